import { eq, is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { createTestPgDatabase, pgTestServerUrl, type TestPgDatabase } from "@authsvc/pg-test-server";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createPgDatabase, defaultPgPoolSize, isPostgresUrl, migrationLockKey, pgMigrationsApplied, type PgDb } from "./client";
import * as schema from "./schema";

const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));

/** Every database and pool a test makes, undone after the file whatever the outcome. */
const opened: PgDb[] = [];
const made: TestPgDatabase[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.$client.end()));
  await Promise.all(made.map((d) => d.drop()));
});

/** An empty database: the test's createPgDatabase migrates it (or not). */
async function fresh(): Promise<string> {
  const database = await createTestPgDatabase();
  made.push(database);
  return database.url;
}

async function open(url: string, options: Parameters<typeof createPgDatabase>[1] = {}): Promise<PgDb> {
  const db = await createPgDatabase(url, options);
  opened.push(db);
  return db;
}

describe.skipIf(!pgTestServerUrl())("createPgDatabase on PostgreSQL", () => {
  it("is not ready before the migrations and is after createPgDatabase applied them", async () => {
    const url = await fresh();
    const bare = await open(url, { migrate: false });
    expect(await pgMigrationsApplied(bare)).toBe(false);

    const db = await open(url);
    expect(await pgMigrationsApplied(db)).toBe(true);
    expect(await pgMigrationsApplied(bare)).toBe(true);
  });

  it("is not ready when an older migration is recorded but not the newest", async () => {
    const db = await open(await fresh());
    await db.$client.query(
      "DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)",
    );
    await db.$client.query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('older', 0)");
    expect(await pgMigrationsApplied(db)).toBe(false);
  });

  it("makes in the database exactly the tables, columns and indexes of the schema", async () => {
    const db = await open(await fresh());
    const columns = await db.$client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const indexes = await db.$client.query<{ tablename: string; indexname: string; indexdef: string }>(
      "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'",
    );
    const typeNames: Record<string, string> = { PgInteger: "integer", PgBigInt53: "bigint", PgText: "text", PgJsonb: "jsonb", PgBoolean: "boolean" };
    const expectedColumns = tables.flatMap((t) => {
      const c = getTableConfig(t);
      return c.columns.map((col) => ({
        table_name: c.name,
        column_name: col.name,
        data_type: typeNames[col.columnType],
        is_nullable: col.notNull ? "NO" : "YES",
      }));
    });
    const byName = (a: { table_name: string; column_name: string }, b: typeof a) =>
      `${a.table_name}.${a.column_name}`.localeCompare(`${b.table_name}.${b.column_name}`);
    expect([...columns.rows].sort(byName)).toEqual(expectedColumns.sort(byName));

    const expectedIndexes = tables.flatMap((t) => {
      const c = getTableConfig(t);
      return c.indexes.map((i) => `${c.name}.${i.config.name}${i.config.unique ? " unique" : ""}`);
    });
    const actualIndexes = indexes.rows.map((i) => `${i.tablename}.${i.indexname}${/^CREATE UNIQUE/.test(i.indexdef) ? " unique" : ""}`);
    expect(actualIndexes.sort()).toEqual(expectedIndexes.sort());
  });

  it("reads rows back as SQLite does: times and twelve-digit numbers as numbers, JSON as objects", async () => {
    const db = await open(await fresh());
    const now = Date.now();
    const [user] = await db
      .insert(schema.users)
      .values({ customerNumber: 987654321012, accountNumber: "1234567890", createdAt: now, updatedAt: now })
      .returning();
    expect(user).toMatchObject({ id: 1, customerNumber: 987654321012, createdAt: now, role: "user", status: "ACTIVE" });
    await db.insert(schema.auditEvents).values({ at: now, kind: "login", outcome: "ok", detail: { via: "sms", n: 2 } });
    const [event] = await db.select().from(schema.auditEvents).where(eq(schema.auditEvents.kind, "login"));
    expect(event).toMatchObject({ at: now, detail: { via: "sms", n: 2 } });
    expect(typeof event!.id).toBe("number");
  });

  it("enforces what SQLite enforces: usernames unique whatever their case, foreign keys", async () => {
    const db = await open(await fresh());
    const row = (n: number, username: string) => ({
      customerNumber: n,
      accountNumber: String(n),
      username,
      createdAt: 0,
      updatedAt: 0,
    });
    await db.insert(schema.users).values(row(1, "Ana"));
    await expect(db.insert(schema.users).values(row(2, "ana"))).rejects.toMatchObject({ cause: { code: "23505" } });
    await expect(
      db.insert(schema.sessions).values({ id: "s", userId: 999, kind: "api", createdAt: 0, expiresAt: 1, lastUsedAt: 0, authenticatedAt: 0 }),
    ).rejects.toMatchObject({ cause: { code: "23503" } });
  });

  it("lets instances start together on a new database: one applies the migrations, the others wait for it", async () => {
    const url = await fresh();
    // The lock is held here first, so the three starts are all queued behind it, whatever the
    // timing: without the lock none would wait, and this would fail.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
    let started = 0;
    const starting = [open(url), open(url), open(url)].map((p) => p.then((db) => (started++, db)));
    const waiting = async () =>
      (
        await holder.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1 AND objsubid = 1",
          [migrationLockKey],
        )
      ).rows[0]!.n;
    await vi.waitFor(async () => expect(await waiting()).toBe(3), { timeout: 15_000, interval: 20 });
    expect(started).toBe(0);
    await holder.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]);
    await holder.end();
    const dbs = await Promise.all(starting);
    for (const db of dbs) expect(await pgMigrationsApplied(db)).toBe(true);
    const applied = await dbs[0]!.$client.query("SELECT hash FROM drizzle.__drizzle_migrations");
    expect(new Set(applied.rows.map((r) => r.hash)).size).toBe(applied.rowCount);
  });

  it("opens at most poolSize connections, and the default without it", async () => {
    const url = await fresh();
    const db = await open(url, { poolSize: 3 });
    const held = await Promise.all([1, 2, 3].map(() => db.$client.connect()));
    const fourth = db.$client.connect();
    expect(db.$client.waitingCount).toBe(1);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    await admin.end();
    expect(rows[0]!.n).toBe(3);
    held[0]!.release();
    (await fourth).release();
    for (const c of held.slice(1)) c.release();

    const byDefault = await open(url, { migrate: false });
    expect(byDefault.$client.options.max).toBe(defaultPgPoolSize);
  });

  it("closes its pool when the migrations fail, so a failed start leaves no connection behind", async () => {
    const url = await fresh();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // A table of that name makes the first migration fail.
    await admin.query("CREATE TABLE users (x int)");
    await expect(createPgDatabase(url)).rejects.toThrow();
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    await admin.end();
    expect(rows[0]!.n).toBe(0);
  });
});

describe("database URLs", () => {
  it("tells PostgreSQL URLs from SQLite's", () => {
    expect(isPostgresUrl("postgres://u@h/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h:5433/db?sslmode=verify-full")).toBe(true);
    expect(isPostgresUrl("file:./data/auth.db")).toBe(false);
    expect(isPostgresUrl("./postgres.db")).toBe(false);
    expect(isPostgresUrl(":memory:")).toBe(false);
  });

  // What createPgDatabase's comment promises about sslmode, as the installed pg reads it; pg 9
  // is announced to give `require` libpq's meaning (encrypt, check nothing), which fails here.
  // `{}` is TLS with Node's defaults: the certificate and the host name are checked.
  it.each([
    ["sslmode=verify-full: TLS, checked", "?sslmode=verify-full", {}],
    ["sslmode=require: TLS, checked", "?sslmode=require", {}],
    ["sslmode=no-verify: TLS, unchecked", "?sslmode=no-verify", { rejectUnauthorized: false }],
    ["sslmode=disable: no TLS", "?sslmode=disable", false],
    ["no sslmode: no TLS", "", false],
  ])("reads %s", (_reading, query, ssl) => {
    // pg warns once per process that `require` will change meaning; the test says so already.
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const client = new pg.Client({ connectionString: `postgres://u@db.example/auth${query}` });
    warn.mockRestore();
    expect((client as unknown as { ssl: unknown }).ssl).toEqual(ssl);
  });
});
