import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Store } from "@authsvc/store";
import { createSqliteStore, createSqliteDatabase } from "@authsvc/db";
import { createPgStore, type PgDb } from "@authsvc/db/pg";
import { emptyingSql } from "@authsvc/pg-test-server";
import * as pgSchema from "@authsvc/db/pg/schema";

/**
 * Test-only: an empty store on the engine the test run names (AUTH_TEST_STORE, `sqlite` by
 * default), and a little SQL that reads the same on both, for tests that look at rows the
 * Store contract does not show. On PostgreSQL the test file's database comes from
 * "@authsvc/testing/setup" (a setupFile), made before the file's tests and dropped after.
 */

export type TestStoreEngine = "sqlite" | "postgres";

export function testStoreEngine(): TestStoreEngine {
  // `none`: an engine-free file (projects.js), which makes no store.
  const engine = process.env.AUTH_TEST_STORE === "none" ? "sqlite" : process.env.AUTH_TEST_STORE || "sqlite";
  if (engine !== "sqlite" && engine !== "postgres") throw new Error(`AUTH_TEST_STORE must be sqlite or postgres, not ${engine}`);
  return engine;
}

export type Row = Record<string, unknown>;

/**
 * SQL written once for both engines: `?` placeholders, snake_case column names as in the
 * schemas. Rows come back alike: integers as numbers (PostgreSQL's bigint arrives as a
 * string), the JSON columns parsed (SQLite keeps them as text, PostgreSQL as jsonb).
 */
export interface TestSql {
  all(query: string, ...params: unknown[]): Promise<Row[]>;
  get(query: string, ...params: unknown[]): Promise<Row | undefined>;
  /** A statement without rows; how many rows it changed. */
  run(query: string, ...params: unknown[]): Promise<number>;
  /** The service's tables, by name. */
  tables(): Promise<string[]>;
}

export interface TestStore {
  engine: TestStoreEngine;
  store: Store;
  sql: TestSql;
}

const serviceTables = Object.values(pgSchema).filter((t): t is Table & typeof pgSchema.users => typeof t === "object" && t !== null && "getSQL" in t);
const tableNames = serviceTables.map((t) => getTableName(t));
/** The JSON columns by SQL name: SQLite hands them back as text. */
const jsonColumns = new Set(
  serviceTables.flatMap((t) => Object.values(getTableColumns(t)).filter((c) => c.columnType === "PgJsonb").map((c) => c.name)),
);

function parseJsonColumns(row: Row): Row {
  for (const [key, value] of Object.entries(row)) if (jsonColumns.has(key) && typeof value === "string") row[key] = JSON.parse(value);
  return row;
}

/** An empty store for one test. */
export function createTestStore(): TestStore {
  if (process.env.AUTH_TEST_STORE === "none") {
    throw new Error("this file is listed as engine-free in its vitest.config.ts but makes a test store: take it off the list, so it runs on both engines");
  }
  return testStoreEngine() === "postgres" ? pgTestStore() : sqliteTestStore();
}

function sqliteTestStore(): TestStore {
  const db = createSqliteDatabase(":memory:");
  const client = db.$client;
  const rows = (query: string, params: unknown[]) => (client.prepare(query).all(...params) as Row[]).map(parseJsonColumns);
  const sql: TestSql = {
    all: async (query, ...params) => rows(query, params),
    get: async (query, ...params) => rows(query, params)[0],
    run: async (query, ...params) => client.prepare(query).run(...params).changes,
    tables: async () => tableNames.filter((name) => client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)),
  };
  return { engine: "sqlite", store: createSqliteStore(db), sql };
}

// ------------------------------------------------------------------ PostgreSQL

interface FileDatabase {
  db: PgDb;
  /** A store on a pool already ended: what a closed or outlived test store answers with. */
  closed: Store;
  /** Bumped by each test store: only the newest one reaches the database. */
  generation: number;
  /**
   * The newest store's emptying. Each waits for the one before it, so an older store's
   * emptying can never land after a newer store has written (two stores made in one test).
   */
  emptying: Promise<unknown>;
}

let fileDatabase: FileDatabase | undefined;
let skippedBecause: string | undefined;

/** For the setup file: the test file's database (its pool), or why there is none. */
export function setFileDatabase(db: PgDb | undefined, skipped?: string): void {
  skippedBecause = skipped;
  if (!db) {
    fileDatabase = undefined;
    return;
  }
  const ended = new pg.Pool();
  void ended.end();
  fileDatabase = { db, closed: createPgStore(drizzle({ client: ended, schema: pgSchema }) as PgDb), generation: 0, emptying: Promise.resolve() };
}

/** Integers and numerics as numbers, the way better-sqlite3 gives them (tests' values are small). */
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? Number : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/** In the schema's order: deleting a user deletes what hangs from it. */
const emptying = emptyingSql(tableNames);

/** `?` to `$1`, `$2`, ... outside quoted strings and names. */
function numbered(query: string): string {
  let n = 0;
  return query.replace(/'[^']*'|"[^"]*"|\?/g, (m) => (m === "?" ? `$${++n}` : m));
}

/**
 * A store over the file's pool that starts empty: its first call waits for the tables to be
 * emptied (identities restarted, as a fresh SQLite database numbers from 1). Once a later
 * store has been made (by this test or the next), or after close(), it answers as a closed
 * store does, so work a finished test left running cannot write into the next one's rows. A
 * test that needs two services at once makes the one it uses last, last.
 */
function pgTestStore(): TestStore {
  if (!fileDatabase) {
    throw new Error(
      skippedBecause ?? 'no PostgreSQL database for this file: put "@authsvc/testing/setup" in setupFiles (and the pg globalSetup)',
    );
  }
  const file = fileDatabase;
  const generation = ++file.generation;
  const emptied = file.emptying.catch(() => undefined).then(() => file.db.$client.query(emptying));
  file.emptying = emptied;
  // Awaited by every call below; this only keeps an unused store's failure from going unhandled.
  emptied.catch(() => {});
  const live = createPgStore(file.db);
  let closed = false;
  const current = async (): Promise<Store> => {
    await emptied;
    return closed || file.generation !== generation ? file.closed : live;
  };

  const repository = <K extends keyof Store>(name: K): Store[K] =>
    new Proxy({} as Store[K], {
      get: (_, method: string) =>
        async (...args: unknown[]) => {
          const repo = (await current())[name] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
          return repo[method]!(...args);
        },
    });

  const store: Store = {
    users: repository("users"),
    credentials: repository("credentials"),
    challenges: repository("challenges"),
    sessions: repository("sessions"),
    tokens: repository("tokens"),
    limits: repository("limits"),
    audit: repository("audit"),
    outbox: repository("outbox"),
    maintenance: repository("maintenance"),
    keys: repository("keys"),
    factors: repository("factors"),
    oidc: repository("oidc"),
    oidcClients: repository("oidcClients"),
    transaction: async (fn) => (await current()).transaction(fn),
    batch: async (fn) => (await current()).batch(fn),
    ready: async () => (await current()).ready(),
    // The pool is the file's: the setup file ends it after the file's tests.
    close: async () => {
      closed = true;
    },
  };

  const query = async (text: string, params: unknown[]) => {
    await emptied;
    const result = await file.db.$client.query({ text: numbered(text), values: params, types });
    return { rows: (result.rows as Row[]) ?? [], changed: result.rowCount ?? 0 };
  };
  const sql: TestSql = {
    all: async (text, ...params) => (await query(text, params)).rows,
    get: async (text, ...params) => (await query(text, params)).rows[0],
    run: async (text, ...params) => (await query(text, params)).changed,
    tables: async () => {
      const { rows } = await query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'", []);
      return tableNames.filter((name) => rows.some((r) => r.name === name));
    },
  };
  return { engine: "postgres", store, sql };
}
