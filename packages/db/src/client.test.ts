import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databasePath, migrationsApplied, openDatabase } from "./client";

describe("openDatabase", () => {
  it("creates the file, applies every migration and sets WAL, foreign keys and a busy timeout", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authsvc-db-"));
    const db = openDatabase(`file:${path.join(dir, "nested", "auth.db")}`);
    const c = db.$client;
    expect(c.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(c.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(c.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(migrationsApplied(db)).toBe(true);
    const tables = (c.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(["users", "credentials", "challenges", "sessions", "opaque_tokens", "rate_limits", "audit_events", "outbox"]),
    );
    c.close();
    // Opening again is a no-op for migrations and keeps the data.
    const again = openDatabase(`file:${path.join(dir, "nested", "auth.db")}`);
    expect(migrationsApplied(again)).toBe(true);
    again.$client.close();
  });

  it("reports a database without migrations as not ready", () => {
    const db = openDatabase(":memory:", { migrate: false });
    expect(migrationsApplied(db)).toBe(false);
  });

  it("enforces foreign keys: a session cannot point at a missing user", () => {
    const db = openDatabase(":memory:");
    expect(() =>
      db.$client
        .prepare("insert into sessions (id, user_id, kind, created_at, expires_at, last_used_at, authenticated_at) values ('s', 999, 'api', 0, 1, 0, 0)")
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it("resolves file: URLs against the working directory and keeps :memory:", () => {
    expect(databasePath("file:./data/auth.db", "/srv/app")).toBe("/srv/app/data/auth.db");
    expect(databasePath("./x.db", "/srv")).toBe("/srv/x.db");
    expect(databasePath(":memory:")).toBe(":memory:");
    expect(databasePath("file::memory:")).toBe(":memory:");
  });
});
