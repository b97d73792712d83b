import { afterAll, beforeAll, beforeEach } from "vitest";
import { createPgDatabase, type PgDb } from "../pg/client";
import { createTestPgDatabase, pgTestServerUrl, type TestPgDatabase } from "../pg/testing";
import { setFileDatabase, testStoreEngine } from "./index";

/**
 * A setupFile for suites that run on either engine (createTestStore). On PostgreSQL each test
 * file gets a database of its own, migrated once, with one pool its tests share; each test's
 * store empties it first. When the globalSetup found no server, every test is skipped (it
 * printed why).
 */
if (testStoreEngine() === "postgres") {
  if (pgTestServerUrl()) {
    let database: TestPgDatabase | undefined;
    let db: PgDb | undefined;
    beforeAll(async () => {
      database = await createTestPgDatabase();
      db = await createPgDatabase(database.url, { migrate: false });
      setFileDatabase(db);
    });
    afterAll(async () => {
      setFileDatabase(undefined);
      await db?.$client.end();
      await database?.drop();
    });
  } else {
    setFileDatabase(undefined, "PostgreSQL suites are skipped: no server (the global setup said why)");
    beforeEach((context) => context.skip("no PostgreSQL server"));
  }
}
