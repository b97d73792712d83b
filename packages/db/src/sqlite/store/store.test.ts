import { afterEach, describe, expect, it } from "vitest";
import { createSqliteDatabase, type Db } from "../client";
import { createSqliteStore } from "./index";
import { prepareLimits } from "./limits";
import { prepareMaintenance } from "./maintenance";

const T0 = 1_700_000_000_000;
const rows = (db: Db) => db.$client.prepare("SELECT key, count FROM rate_limits ORDER BY key").all();

describe("createSqliteStore", () => {
  let db: Db;
  afterEach(() => {
    if (db.$client.open) db.$client.close();
  });

  it("runs a call at once when no transaction is open, before the caller awaits it", async () => {
    db = createSqliteDatabase(":memory:");
    const store = createSqliteStore(db);
    const pending = store.limits.hit("k", 1, 60_000, T0);
    expect(rows(db)).toEqual([{ key: "k", count: 1 }]);
    await pending;
  });

  it("holds a call from outside an open transaction until it has ended", async () => {
    db = createSqliteDatabase(":memory:");
    const store = createSqliteStore(db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = store.transaction(async (t) => {
      await t.limits.hit("inside", 1, 60_000, T0);
      await gate;
    });
    await Promise.resolve();
    const outside = store.limits.hit("outside", 1, 60_000, T0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(rows(db)).toEqual([{ key: "inside", count: 1 }]);
    expect(db.$client.inTransaction).toBe(true);
    release();
    await Promise.all([tx, outside]);
    expect(db.$client.inTransaction).toBe(false);
    expect(rows(db)).toEqual([
      { key: "inside", count: 1 },
      { key: "outside", count: 1 },
    ]);
  });

  it("refuses work on a transaction's store once the transaction has ended", async () => {
    db = createSqliteDatabase(":memory:");
    const store = createSqliteStore(db);
    const kept = await store.transaction(async (t) => t);
    await expect(kept.limits.hit("late", 1, 60_000, T0)).rejects.toThrow(/transaction has ended/);
    expect(rows(db)).toEqual([]);
  });

  it("answers a call with a rejection, not a throw, when its statements cannot be prepared", async () => {
    db = createSqliteDatabase(":memory:");
    const store = createSqliteStore(db);
    db.$client.close();
    let call: Promise<unknown> | undefined;
    expect(() => (call = store.users.byId(1))).not.toThrow();
    await expect(call).rejects.toThrow(/not open/);
  });

  it("is not ready before the migrations are applied", async () => {
    db = createSqliteDatabase(":memory:", { migrate: false });
    expect(await createSqliteStore(db).ready()).toBe(false);
  });

  it("closes the connection", async () => {
    db = createSqliteDatabase(":memory:");
    await createSqliteStore(db).close();
    expect(db.$client.open).toBe(false);
  });
});

describe("outbox rows queued by a version without claims", () => {
  it("are claimed once a lease length has passed since they were written, not before", async () => {
    const db = createSqliteDatabase(":memory:");
    const store = createSqliteStore(db);
    const queue = db.$client.prepare(
      `INSERT INTO outbox (channel, "to", purpose, text, status, created_at) VALUES ('email', ?, 'login', 'code 123456', 'queued', ?)`,
    );
    queue.run("old@example.com", T0 - 30_000);
    queue.run("fresh@example.com", T0 - 29_999);
    const claimed = await store.outbox.claimDue(T0, T0 + 30_000, 10);
    expect(claimed.map((m) => [m.to, m.status, m.nextAttemptAt])).toEqual([["old@example.com", "sending", T0 + 30_000]]);
    expect((await store.outbox.list("fresh@example.com", 1))[0]?.status).toBe("queued");
    await store.close();
  });
});

describe("a transaction's body", () => {
  it("is refused the store it was opened from instead of waiting for itself for ever", async () => {
    const db = createSqliteDatabase(":memory:");
    const store = createSqliteStore(db);
    const err = await store
      .transaction(async (tx) => {
        await tx.limits.hit("inside", 1, 60_000, T0);
        await store.limits.hit("outside", 1, 60_000, T0);
      })
      .catch((e: unknown) => e);
    expect(String(err)).toMatch(/used the store it was opened from/);
    // All or nothing: the refused body rolled back.
    expect(rows(db)).toEqual([]);
    await store.close();
  });
});

describe("rate limit queries", () => {
  it("a prefix reset and the purge of ended windows read through an index, not the whole table", () => {
    const db = createSqliteDatabase(":memory:");
    try {
      // The plans of the store's own statements, with values bound as the store binds them.
      const plan = (statement: { source: string }, values: Record<string, unknown>) =>
        (db.$client.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all(values) as { detail: string }[]).map((r) => r.detail).join("; ");
      const limits = prepareLimits(db);
      expect(plan(limits.resetPrefix, { prefix: "a:", upper: "a;" })).toMatch(/SEARCH rate_limits USING PRIMARY KEY \(key>\? AND key<\?\)/);
      expect(plan(limits.resetFrom, { prefix: "a:" })).toMatch(/SEARCH rate_limits USING PRIMARY KEY \(key>\?\)/);
      expect(plan(prepareMaintenance(db).rateLimits, { limitCutoff: 5, batch: 10 })).toMatch(/SEARCH rate_limits USING (COVERING )?INDEX rate_limits_window_start/);
    } finally {
      db.$client.close();
    }
  });
});
