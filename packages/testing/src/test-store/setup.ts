import { createTestPgDatabase, pgTestServerUrl, type TestPgDatabase } from "@authsvc/pg-test-server";
import { afterAll, beforeAll } from "vitest";
import { createPgDatabase, type PgDb } from "@authsvc/db/pg";
import { setFileDatabase, testStoreEngine } from "./index";

/**
 * A setupFile for suites that run on either engine (createTestStore). On PostgreSQL each test
 * file gets a database of its own, migrated once, with one pool its tests share; each test's
 * store empties it first.
 */
if (testStoreEngine() === "postgres") {
  if (pgTestServerUrl()) {
    let database: TestPgDatabase | undefined;
    let db: PgDb | undefined;
    beforeAll(async () => {
      database = await createTestPgDatabase();
      db = await createPgDatabase(database.url);
      setFileDatabase(db);
    });
    afterAll(async () => {
      setFileDatabase(undefined);
      await db?.$client.end();
      await database?.drop();
    });
  } else {
    // The project's runner skips every test (./runner.ts); a store asked for anyway says why.
    setFileDatabase(undefined, "PostgreSQL suites are skipped: no server (the global setup said why)");
  }
}
