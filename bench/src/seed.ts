/**
 * Seeds N users into a fresh database, fast: migrations applied by @authsvc/db, then one
 * prepared insert per table inside one transaction (on PostgreSQL, one INSERT … SELECT over
 * generate_series per table, the same rows). Every user gets the same password and
 * PIN, hashed once with the service's own argon2id parameters (a verification costs the
 * same whichever row it reads), so a million users take seconds, not hours of hashing.
 *
 *   pnpm --filter @authsvc/bench seed -- --db /tmp/auth.db --users 1000000
 *
 * Seeded user i (1-based): email user0000001@bench.test, username user0000001, phone
 * +62811 and 8 digits, unique customer and account numbers, verified, ACTIVE.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { hash } from "@node-rs/argon2";
import Database from "better-sqlite3";
import pg from "pg";
import { defaultOptions } from "@authsvc/core";
import { isPostgresUrl, createSqliteDatabase } from "@authsvc/db";
import { createPgDatabase } from "@authsvc/db/pg";

export const SEED_PASSWORD = "bench-Password-2026";
export const SEED_PIN = "135790";

const pad = (i: number) => String(i).padStart(7, "0");
export const seedEmail = (i: number) => `user${pad(i)}@bench.test`;
export const seedUsername = (i: number) => `user${pad(i)}`;
export const seedPhone = (i: number) => `+62811${String(i).padStart(8, "0")}`;

export interface SeedResult {
  users: number;
  seconds: number;
}

/** argon2id with the service's parameters; 2 = Argon2id in @node-rs/argon2's const enum. */
export const hashLikeService = (secret: string) => hash(secret, { algorithm: 2, ...defaultOptions.argon2 });

/** `db` is a SQLite file path or a postgres:// URL of an empty database. */
export async function seedUsers(db: string, count: number): Promise<SeedResult> {
  if (count > 99_999_999) throw new Error("at most 99,999,999 seeded users (8-digit phone suffix)");
  const [passwordHash, pinHash] = await Promise.all([hashLikeService(SEED_PASSWORD), hashLikeService(SEED_PIN)]);
  return isPostgresUrl(db) ? seedPostgres(db, count, passwordHash, pinHash) : seedSqlite(db, count, passwordHash, pinHash);
}

function seedSqlite(dbPath: string, count: number, passwordHash: string, pinHash: string): SeedResult {
  const db = createSqliteDatabase(`file:${dbPath}`);
  const sqlite = db.$client;
  // A big page cache for the one bulk transaction: index pages stay in memory until commit.
  sqlite.pragma("cache_size = -262144");
  const started = performance.now();
  const insertUser = sqlite.prepare(
    `INSERT INTO users (email, phone, username, full_name, role, status, customer_number, account_number,
       email_verified_at, phone_verified_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'user', 'ACTIVE', ?, ?, ?, ?, ?, ?)`,
  );
  const insertCredentials = sqlite.prepare(
    `INSERT INTO credentials (user_id, password_hash, password_changed_at, pin_hash, pin_changed_at, pin_failures)
     VALUES (?, ?, ?, ?, ?, 0)`,
  );
  const now = Date.now();
  // Rows arrive in key order for every unique index (zero-padded), so each insert appends.
  sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const id = insertUser.run(
        seedEmail(i),
        seedPhone(i),
        seedUsername(i),
        `Bench User ${i}`,
        100_000_000_000 + i,
        String(1_000_000_000 + i),
        now,
        now,
        now,
        now,
      ).lastInsertRowid;
      insertCredentials.run(id, passwordHash, now, pinHash, now);
    }
  })();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  return { users: count, seconds: (performance.now() - started) / 1000 };
}

/** The same rows as seedSqlite, built by the server: user i has id i in a fresh database. */
async function seedPostgres(url: string, count: number, passwordHash: string, pinHash: string): Promise<SeedResult> {
  const db = await createPgDatabase(url, { poolSize: 1 });
  const client = db.$client;
  const started = performance.now();
  // The same padding as pad(): at least 7 digits, never cut.
  const padded = (width: number) => `lpad(i::text, greatest(${width}, length(i::text)), '0')`;
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO users (id, email, phone, username, full_name, role, status, customer_number, account_number,
         email_verified_at, phone_verified_at, created_at, updated_at)
       SELECT i, 'user' || ${padded(7)} || '@bench.test', '+62811' || ${padded(8)}, 'user' || ${padded(7)},
         'Bench User ' || i, 'user', 'ACTIVE', 100000000000 + i, (1000000000 + i)::text, $1, $1, $1, $1
       FROM generate_series(1, $2::int) AS i`,
      [Date.now(), count],
    );
    // The identity was bypassed above: the service's next sign-up must not take a seeded id.
    await client.query(`SELECT setval(pg_get_serial_sequence('users', 'id'), $1::int)`, [count]);
    await client.query(
      `INSERT INTO credentials (user_id, password_hash, password_changed_at, pin_hash, pin_changed_at, pin_failures)
       SELECT id, $1, created_at, $2, created_at, 0 FROM users`,
      [passwordHash, pinHash],
    );
    await client.query("COMMIT");
    // Planner statistics for the new rows, as a long-running database would have them.
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
  return { users: count, seconds: (performance.now() - started) / 1000 };
}

/**
 * Rate-limit windows the bench puts in every database before a server starts: the table then
 * already holds what a day of other traffic leaves, so what a run's own requests add to it is
 * small beside that, and a phase's figure does not depend on how many phases ran before it.
 */
export const RATE_LIMIT_ROWS = 1000;

const RATE_LIMIT_KEY_PREFIX = "code-send-h:login:+62819";

/**
 * `rows` ended rate-limit windows, kept until the purge, as a day of SMS traffic leaves them:
 * one per number and address. Plain SQL on a migrated database (the service's or the
 * baseline's, of any checkout), no migrations of its own.
 */
export async function seedRateLimits(db: string, rows: number): Promise<void> {
  const start = Date.now() - 2 * 3600_000;
  if (isPostgresUrl(db)) {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO rate_limits (key, count, window_start)
         SELECT $1 || lpad(i::text, 8, '0') || ':ip:10.' || ((i >> 16) & 255) || '.' || ((i >> 8) & 255) || '.' || (i & 255) || ':', 1, $2
         FROM generate_series(0, $3::int - 1) AS i`,
        [RATE_LIMIT_KEY_PREFIX, start, rows],
      );
      await client.query("ANALYZE rate_limits");
    } finally {
      await client.end();
    }
    return;
  }
  const sqlite = new Database(db);
  try {
    const insert = sqlite.prepare("INSERT INTO rate_limits (key, count, window_start) VALUES (?, 1, ?)");
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`${RATE_LIMIT_KEY_PREFIX}${String(i).padStart(8, "0")}:ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:`, start);
    })();
  } finally {
    sqlite.close();
  }
}

/** The schema on a new, empty database (the baseline's scratch), so it can be seeded before the baseline starts. */
export async function createSchema(db: string): Promise<void> {
  if (isPostgresUrl(db)) await (await createPgDatabase(db, { poolSize: 1 })).$client.end();
  else createSqliteDatabase(`file:${db}`).$client.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const dbPath = arg("db");
  const users = Number(arg("users") ?? "1000");
  if (!dbPath || !Number.isInteger(users) || users < 1) {
    console.error("usage: seed --db <path of a new database file, or postgres:// URL of an empty database> --users <count>");
    process.exit(2);
  }
  const r = await seedUsers(dbPath, users);
  console.log(`seeded ${r.users} users into ${dbPath} in ${r.seconds.toFixed(1)} s`);
}
