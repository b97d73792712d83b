/**
 * Hole 9: the database holds password hashes, session ids and codes; its files, backups and
 * folder must not be readable by other users of the machine, whatever the umask.
 */
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backupDatabase } from "./backup";
import { createSqliteDatabase } from "./sqlite/client";

const mode = (file: string) => statSync(file).mode & 0o777;

let previous: number;
beforeEach(() => {
  // The usual default: files 0644, folders 0755, unless we say otherwise.
  previous = process.umask(0o022);
});
afterEach(() => {
  process.umask(previous);
});

describe("file modes", () => {
  it("a new database, its WAL and shared-memory file are 0600, its new folder 0700", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "authsvc-modes-")), "data");
    const file = path.join(dir, "auth.db");
    const db = createSqliteDatabase(`file:${file}`);
    db.$client.prepare("insert into audit_events (at, kind, outcome) values (1, 'x', 'ok')").run();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f).toString(8), f).toBe("600");
    expect(mode(dir).toString(8)).toBe("700");
    db.$client.close();
  });

  it("an existing database left readable by others is tightened when opened", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authsvc-modes-"));
    const file = path.join(dir, "auth.db");
    createSqliteDatabase(`file:${file}`).$client.close();
    chmodSync(file, 0o644);
    const db = createSqliteDatabase(`file:${file}`);
    db.$client.prepare("insert into audit_events (at, kind, outcome) values (1, 'x', 'ok')").run();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f).toString(8), f).toBe("600");
    // A folder the operator made is theirs: its mode is left alone.
    expect(mode(dir).toString(8)).toBe("700"); // mkdtemp's own mode
    db.$client.close();
  });

  it("a folder that already exists keeps its mode", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "authsvc-modes-")), "shared");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    createSqliteDatabase(`file:${path.join(dir, "auth.db")}`).$client.close();
    expect(mode(dir).toString(8)).toBe("755");
  });

  it("a backup is 0600 and its new folder 0700, also over an existing readable file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authsvc-modes-"));
    const db = createSqliteDatabase(`file:${path.join(dir, "auth.db")}`);
    const result = await backupDatabase(db, path.join(dir, "backups", "one.db"));
    expect(mode(result.file).toString(8)).toBe("600");
    expect(mode(path.join(dir, "backups")).toString(8)).toBe("700");
    const stale = path.join(dir, "backups", "two.db");
    writeFileSync(stale, "");
    chmodSync(stale, 0o644);
    const again = await backupDatabase(db, stale);
    expect(again.integrity).toBe("ok");
    expect(mode(stale).toString(8)).toBe("600");
    db.$client.close();
  });
});
