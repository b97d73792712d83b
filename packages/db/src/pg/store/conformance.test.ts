import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { is } from "drizzle-orm";
import { emptyingSql, pgTestServerUrl, usePgTestDatabase } from "@authsvc/pg-test-server";
import { describeStoreConformance } from "@authsvc/store/conformance";
import { afterAll, beforeAll, describe } from "vitest";
import { createPgDatabase, type PgDb } from "../client";
import * as schema from "../schema";
import { createPgStore } from "./index";

// Every table of the schema, so a table added later is emptied too.
const emptying = emptyingSql(
  (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable)).map((t) => getTableConfig(t).name),
);

describe.skipIf(!pgTestServerUrl())("PostgreSQL", () => {
  // One database for the file, emptied before each test: a database per test would spend
  // more time creating and migrating than testing.
  const database = usePgTestDatabase();
  let admin: PgDb;
  beforeAll(async () => {
    admin = await createPgDatabase(database.url, { poolSize: 1 });
  });
  afterAll(async () => {
    await admin?.$client.end();
  });

  const openOne = async () => createPgStore(await createPgDatabase(database.url, { migrate: false }));

  describeStoreConformance({
    name: "PostgreSQL",
    async open() {
      await admin.$client.query(emptying);
      return openOne();
    },
    // Two pools, as two instances have.
    async openTwo() {
      await admin.$client.query(emptying);
      return [await openOne(), await openOne()];
    },
    transactionsWaitAcrossInstances: true,
  });
});
