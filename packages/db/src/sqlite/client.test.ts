import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { databasePath, migrationsApplied, migrationsFolder, createSqliteDatabase } from "./client";

describe("createSqliteDatabase", () => {
  it("creates the file, applies every migration and sets WAL, foreign keys and a busy timeout", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authsvc-db-"));
    const db = createSqliteDatabase(`file:${path.join(dir, "nested", "auth.db")}`);
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
    const again = createSqliteDatabase(`file:${path.join(dir, "nested", "auth.db")}`);
    expect(migrationsApplied(again)).toBe(true);
    again.$client.close();
  });

  it("moves rate_limits to a table clustered on its key and keeps its rows and the purge's index", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authsvc-db-"));
    // The migrations up to the one before, as a database made before it has them.
    const before = path.join(dir, "drizzle");
    cpSync(migrationsFolder, before, { recursive: true });
    const journalFile = path.join(before, "meta/_journal.json");
    const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag === "0005_rate_limits_without_rowid");
    expect(at).toBeGreaterThan(0);
    for (const e of journal.entries.slice(at)) rmSync(path.join(before, `${e.tag}.sql`));
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    const file = path.join(dir, "auth.db");
    const old = createSqliteDatabase(`file:${file}`, { migrate: false });
    migrate(old, { migrationsFolder: before });
    old.$client.prepare("INSERT INTO rate_limits (key, count, window_start) VALUES (?, ?, ?)").run("code-send-h:+62811:", 3, 1000);
    old.$client.close();

    const db = createSqliteDatabase(`file:${file}`);
    const c = db.$client;
    expect(migrationsApplied(db)).toBe(true);
    expect(c.prepare("SELECT key, count, window_start AS windowStart FROM rate_limits").all()).toEqual([{ key: "code-send-h:+62811:", count: 3, windowStart: 1000 }]);
    expect(() => c.prepare("SELECT rowid FROM rate_limits")).toThrow(/rowid/);
    expect(c.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rate_limits' AND sql IS NOT NULL").all()).toEqual([
      { name: "rate_limits_window_start" },
    ]);
    c.close();
  });

  it("reports a database without migrations as not ready", () => {
    const db = createSqliteDatabase(":memory:", { migrate: false });
    expect(migrationsApplied(db)).toBe(false);
  });

  it("enforces foreign keys: a session cannot point at a missing user", () => {
    const db = createSqliteDatabase(":memory:");
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
