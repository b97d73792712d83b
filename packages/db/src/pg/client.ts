import path from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { packageDir } from "../package-dir";
import * as schema from "./schema";

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const pgMigrationsFolder = path.join(packageDir, "drizzle-pg");

/** Connections per process when DATABASE_POOL_SIZE is not set. */
export const defaultPgPoolSize = 10;

/** Where drizzle's migrator records what it applied (its defaults, named once for the readiness check). */
const migrationsTable = "drizzle.__drizzle_migrations";

/**
 * Instances starting together each run the migrator; this session-level advisory lock makes them
 * take turns, so the first applies and the others find nothing left to do. The key is arbitrary
 * but fixed: every instance of this service must use the same one.
 */
export const migrationLockKey = 0x61757468; // "auth"

/** `postgres://` and `postgresql://` are PostgreSQL; anything else is for SQLite's createSqliteDatabase. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export interface PgOpenOptions {
  /** Most connections this process holds (DATABASE_POOL_SIZE); defaultPgPoolSize when absent. */
  poolSize?: number;
  /** Apply pending migrations before returning (the default). */
  migrate?: boolean;
  /**
   * An idle connection failed (the server restarted, a proxy cut it). The pool has already
   * dropped it and the next query opens another; without a listener pg would crash the process.
   */
  onIdleError?: (error: Error) => void;
}

/**
 * The process's one pool on the database at `url`. TLS follows the URL as node-postgres reads
 * it, which is not libpq's reading: `sslmode=verify-full` (and today also `require`, `prefer`,
 * `verify-ca`) checks the server's certificate and name; `sslmode=no-verify` encrypts without
 * checking; `sslmode=disable` or no sslmode connects in clear. `sslrootcert=<file>` names the CA.
 * Write `verify-full` rather than `require`: pg 9 will give `require` libpq's meaning, which
 * checks nothing.
 */
export async function createPgDatabase(url: string, options: PgOpenOptions = {}): Promise<PgDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? defaultPgPoolSize,
    // A request waiting for a connection fails rather than hangs when the server is gone.
    connectionTimeoutMillis: 10_000,
  });
  pool.on("error", options.onIdleError ?? (() => {}));
  const db = drizzle({ client: pool, schema });
  if (options.migrate !== false) {
    try {
      await migratePg(db);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }
  return db;
}

/** Applies pending migrations on one connection, one instance at a time. */
export async function migratePg(db: PgDb): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: pgMigrationsFolder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]);
    }
    client.release();
  } catch (error) {
    // Closing the connection is what certainly frees the lock if unlocking failed.
    client.release(error as Error);
    throw error;
  }
}

let latestMigrationHash: string | undefined;

/**
 * True when the newest migration in the folder has been applied to this database. Rejects when
 * the server cannot be reached, which a health check should count as not ready.
 */
export async function pgMigrationsApplied(db: PgDb): Promise<boolean> {
  latestMigrationHash ??= readMigrationFiles({ migrationsFolder: pgMigrationsFolder }).at(-1)!.hash;
  const { rows } = await db.$client.query<{ present: boolean }>(
    `SELECT to_regclass('${migrationsTable}') IS NOT NULL AS present`,
  );
  if (!rows[0]!.present) return false;
  const applied = await db.$client.query(`SELECT 1 FROM ${migrationsTable} WHERE hash = $1`, [latestMigrationHash]);
  return applied.rowCount !== 0;
}
