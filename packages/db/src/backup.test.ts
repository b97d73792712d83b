import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { backupDatabase } from "./backup";
import { createSqliteDatabase } from "./sqlite/client";

describe("backupDatabase", () => {
  it("copies a database under write load to a consistent, complete copy", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authsvc-backup-"));
    const live = createSqliteDatabase(`file:${path.join(dir, "live.db")}`);
    const insert = live.$client.prepare("insert into audit_events (at, kind, outcome) values (?, 'load', 'ok')");
    // Enough rows that the backup takes several steps, so writes land between them.
    live.$client.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(i);
    })();
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        live.$client.transaction(() => {
          for (let i = 0; i < 50; i++) insert.run(Date.now());
        })();
        written += 50;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const result = await backupDatabase(live, path.join(dir, "copy", "backup.db"));
    writing = false;
    await writer;

    expect(result.integrity).toBe("ok");
    expect(result.bytes).toBeGreaterThan(0);
    expect(written).toBeGreaterThan(0);
    const restored = createSqliteDatabase(`file:${result.file}`);
    const n = (restored.$client.prepare("select count(*) as n from audit_events").get() as { n: number }).n;
    const total = (live.$client.prepare("select count(*) as n from audit_events").get() as { n: number }).n;
    // A moment's snapshot: everything before the copy began, nothing half-written.
    expect(n).toBeGreaterThanOrEqual(20_000);
    expect(n).toBeLessThanOrEqual(total);
    expect(n % 50).toBe(0);
    restored.$client.close();
    live.$client.close();
  });
});
