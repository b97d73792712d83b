import { pgTestServerUrl, usePgTestDatabase } from "@authsvc/pg-test-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPgDatabase, type PgDb } from "@authsvc/db/pg";
import { createTestStore, setFileDatabase } from "./index";

const user = { email: "ana@example.com", phone: null, username: null, fullName: null, birthDate: null, bio: null, pictureUrl: null, role: "user", status: "ACTIVE", customerNumber: 123456789012, accountNumber: "1234567890", emailVerifiedAt: null, phoneVerifiedAt: null, createdAt: 1, updatedAt: 1 } as const;

/** What a test reads through `sql` is the same on both engines. */
function sqlReadsAlike() {
  it("starts empty, numbers from 1, and reads rows alike (numbers, JSON, ? placeholders)", async () => {
    const first = createTestStore();
    await first.store.users.create(user, null);
    const { store, sql } = createTestStore();
    expect(await sql.get("SELECT count(*) AS n FROM users")).toEqual({ n: 0 });
    const created = await store.users.create(user, null);
    expect(created.id).toBe(1);
    await store.audit.insert({ at: 5, userId: 1, kind: "x", outcome: "ok", ip: null, userAgent: null, detail: { a: [1, "b"] } });
    expect(await sql.all("SELECT id, customer_number, email FROM users WHERE email = ?", "ana@example.com")).toEqual([
      { id: 1, customer_number: 123456789012, email: "ana@example.com" },
    ]);
    expect(await sql.get("SELECT at, detail FROM audit_events WHERE kind = ? AND at = ?", "x", 5)).toEqual({ at: 5, detail: { a: [1, "b"] } });
    expect(await sql.run("UPDATE users SET role = 'admin' WHERE id = ?", 1)).toBe(1);
    expect((await store.users.byId(1))?.role).toBe("admin");
    expect(await sql.tables()).toEqual(expect.arrayContaining(["users", "outbox", "audit_events"]));
  });
}

describe("createTestStore on SQLite", () => {
  beforeAll(() => void vi.stubEnv("AUTH_TEST_STORE", "sqlite"));
  afterAll(() => void vi.unstubAllEnvs());
  sqlReadsAlike();
});

describe.skipIf(!pgTestServerUrl())("createTestStore on PostgreSQL", () => {
  const database = usePgTestDatabase();
  let db: PgDb;
  beforeAll(async () => {
    vi.stubEnv("AUTH_TEST_STORE", "postgres");
    db = await createPgDatabase(database.url);
    setFileDatabase(db);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    setFileDatabase(undefined);
    await db.$client.end();
  });
  sqlReadsAlike();

  it("an older store, or a closed one, no longer reaches the database", async () => {
    const old = createTestStore();
    const closed = createTestStore();
    await closed.store.close();
    const current = createTestStore();
    await current.store.users.create(user, null);
    // The ended pool's own refusal (the store passes the driver's error on, not Drizzle's wrapper).
    const endedPool = { message: expect.stringMatching(/after calling end on the pool/) };
    await expect(old.store.users.byId(1)).rejects.toMatchObject(endedPool);
    await expect(closed.store.users.byId(1)).rejects.toMatchObject(endedPool);
    expect((await current.store.users.byId(1))?.email).toBe("ana@example.com");
  });
});
