import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../client";
import { createSqliteStore } from "./index";

const T0 = 1_700_000_000_000;
const rows = (db: Db) => db.$client.prepare("SELECT key, count FROM rate_limits ORDER BY key").all();

describe("createSqliteStore", () => {
  let db: Db;
  afterEach(() => {
    if (db.$client.open) db.$client.close();
  });

  it("runs a call at once when no transaction is open, before the caller awaits it", async () => {
    db = openDatabase(":memory:");
    const store = createSqliteStore(db);
    const pending = store.limits.hit("k", 1, 60_000, T0);
    expect(rows(db)).toEqual([{ key: "k", count: 1 }]);
    await pending;
  });

  it("holds a call from outside an open transaction until it has ended", async () => {
    db = openDatabase(":memory:");
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
    db = openDatabase(":memory:");
    const store = createSqliteStore(db);
    const kept = await store.transaction(async (t) => t);
    await expect(kept.limits.hit("late", 1, 60_000, T0)).rejects.toThrow(/transaction has ended/);
    expect(rows(db)).toEqual([]);
  });

  it("is not ready before the migrations are applied", async () => {
    db = openDatabase(":memory:", { migrate: false });
    expect(await createSqliteStore(db).ready()).toBe(false);
  });

  it("closes the connection", async () => {
    db = openDatabase(":memory:");
    await createSqliteStore(db).close();
    expect(db.$client.open).toBe(false);
  });
});
