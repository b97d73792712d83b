import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import type {} from "./server";

/**
 * For test files of PostgreSQL suites, with "@authsvc/pg-test-server/global-setup" in the
 * project's globalSetup:
 *
 *   describe.skipIf(!pgTestServerUrl())("on PostgreSQL", () => {
 *     const database = usePgTestDatabase();
 *     it("...", async () => { const db = await createPgDatabase(database.url); ... });
 *   });
 *
 * The databases come empty: this package knows no schema (packages/db's own tests use it, so
 * it cannot depend on db); whoever opens one first with db's createPgDatabase migrates it.
 */

/** The test server's superuser URL; null when PostgreSQL suites are skipped (the setup said why). */
export function pgTestServerUrl(): string | null {
  return inject("pgTestServerUrl") ?? null;
}

export interface TestPgDatabase {
  url: string;
  /** Drops it, ending any connection still open on it. */
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty database of its own on the test server (or on `serverUrl`, outside vitest), with a random name. */
export async function createTestPgDatabase(options: { serverUrl?: string } = {}): Promise<TestPgDatabase> {
  const server = options.serverUrl ?? pgTestServerUrl();
  if (!server) {
    throw new Error(
      "no PostgreSQL test server: put @authsvc/pg-test-server/global-setup in globalSetup and skip with describe.skipIf(!pgTestServerUrl())",
    );
  }
  const name = `authsvc_test_${randomBytes(8).toString("hex")}`;
  await onServer(server, async (c) => {
    await c.query(`CREATE DATABASE "${name}"`);
    // Commits need not wait for the disk in a database dropped after the run: tests run faster.
    await c.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => onServer(server, async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** A fresh database for the test file (or describe block): made before its tests, dropped after them. */
export function usePgTestDatabase(): { readonly url: string } {
  let database: TestPgDatabase | undefined;
  beforeAll(async () => {
    database = await createTestPgDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error("the test database exists only while the tests run (from beforeAll on)");
      return database.url;
    },
  };
}

/**
 * One statement that empties `tables` (in the order given: a table before those its rows are
 * referenced from only by cascading keys) and restarts the identities they own, so ids number
 * from 1 again, as on a fresh database. DELETE rather than TRUNCATE: on tables this small it is
 * far faster, since TRUNCATE makes new files for every table and index and waits for the disk,
 * and tests empty their database once per test.
 */
export function emptyingSql(tables: readonly string[]): string {
  const quoted = tables.map((t) => `"${t.replaceAll('"', '""')}"`);
  const owners = quoted.map((t) => `'${t.replaceAll("'", "''")}'::regclass`).join(", ");
  return [
    ...quoted.map((t) => `DELETE FROM ${t}`),
    // The sequences behind identity (and serial) columns depend on their table.
    `SELECT setval(d.objid::regclass, 1, false) FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid WHERE d.refobjid IN (${owners}) AND d.deptype IN ('i', 'a')`,
  ].join(";\n");
}
