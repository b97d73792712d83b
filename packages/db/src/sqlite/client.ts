import { createRequire } from "node:module";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { ensurePrivateFile, ensurePrivateParent, restrictFile } from "@authsvc/store/files";
import { packageDir } from "../package-dir";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** `file:./data/auth.db`, `./data/auth.db` or `:memory:` to a path better-sqlite3 opens. */
export function databasePath(url: string, cwd = process.cwd()): string {
  const raw = url.startsWith("file:") ? url.slice("file:".length) : url;
  if (raw === ":memory:" || raw === "") return ":memory:";
  return path.resolve(cwd, raw);
}

export const migrationsFolder = path.join(packageDir, "drizzle");

export interface OpenOptions {
  /** Apply pending migrations before returning (the default). */
  migrate?: boolean;
}

export function createSqliteDatabase(url: string, options: OpenOptions = {}): Db {
  const file = databasePath(url);
  if (file !== ":memory:") {
    // SQLite creates the -wal and -shm files with the main file's mode, so 0600 here is
    // 0600 for all three; an existing database left readable by others is tightened.
    ensurePrivateParent(file);
    ensurePrivateFile(file);
  }
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  if (file !== ":memory:") for (const f of [`${file}-wal`, `${file}-shm`]) restrictFile(f);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // WAL makes NORMAL durable against application crashes; only power loss can drop
  // the last commits, which is the usual trade for a write-heavy auth store.
  sqlite.pragma("synchronous = NORMAL");
  // A savepoint inside a transaction (a flow's transaction in a request's batch) keeps what
  // it may have to undo in a journal of its own, which SQLite spills to a new temporary
  // file past a few pages: a file opened, written and deleted per request. In memory instead.
  sqlite.pragma("temp_store = MEMORY");
  const db = drizzle({ client: sqlite, schema }) as Db;
  if (options.migrate !== false) migrate(db, { migrationsFolder });
  return db;
}

/** True when every migration in the folder has been applied to this database. */
export function migrationsApplied(db: Db): boolean {
  const journal = createRequire(import.meta.url)(path.join(migrationsFolder, "meta/_journal.json")) as {
    entries: unknown[];
  };
  const row = db.$client
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get() as { n: number };
  if (row.n === 0) return journal.entries.length === 0;
  const applied = db.$client.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
  return applied.n >= journal.entries.length;
}
