import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describeStoreConformance } from "@authsvc/store/conformance";
import { afterAll } from "vitest";
import { createSqliteDatabase } from "../client";
import { createSqliteStore } from "./index";

// Two connections need a file; one folder for the run's, removed after it.
const dir = mkdtempSync(path.join(tmpdir(), "authsvc-conformance-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// `:memory:` is a new, empty database per connection: one per test, migrated by createSqliteDatabase.
describeStoreConformance({
  name: "SQLite",
  open: async () => createSqliteStore(createSqliteDatabase(":memory:")),
  async openTwo() {
    const url = `file:${path.join(dir, `${++files}.db`)}`;
    const first = createSqliteStore(createSqliteDatabase(url));
    return [first, createSqliteStore(createSqliteDatabase(url))];
  },
  transactionsWaitAcrossInstances: false,
});
