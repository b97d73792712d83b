import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, start, stop, waitForHealth } from "../../test/support/server";

/** The server to make the run's PostgreSQL database on: TEST_DATABASE_URL, as the vitest suites use. */
const pgServerUrl = () => process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

async function onPgServer(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgServerUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * The database the server runs on: a SQLite file in `dir` by default; with E2E_DATABASE=postgres
 * a PostgreSQL database of its own (the server migrates it), dropped afterwards.
 */
async function e2eDatabase(dir: string): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const engine = process.env.E2E_DATABASE || "sqlite";
  if (engine === "sqlite") return { env: { DATABASE_URL: `file:${path.join(dir, "auth.db")}` }, drop: async () => {} };
  if (engine !== "postgres") throw new Error(`E2E_DATABASE must be sqlite or postgres, not ${engine}`);
  const name = `authsvc_e2e_${randomBytes(8).toString("hex")}`;
  await onPgServer(`CREATE DATABASE "${name}"`);
  const url = new URL(pgServerUrl());
  url.pathname = `/${name}`;
  return {
    // PostgreSQL refuses a generated secret (each instance would make its own).
    env: { DATABASE_URL: url.href, AUTH_SECRET: randomBytes(32).toString("hex") },
    drop: () => onPgServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * The production server on a free port with a fresh database, as `pnpm start` runs it.
 * Workers inherit E2E_BASE_URL; the returned function stops the server and removes its data.
 */
export default async function globalSetup() {
  const dir = mkdtempSync(path.join(tmpdir(), "authsvc-e2e-"));
  const database = await e2eDatabase(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = start(dir, {
    PORT: String(port),
    ...database.env,
    PUBLIC_URL: base,
  });
  await waitForHealth(base, server);
  process.env.E2E_BASE_URL = base;
  return async () => {
    await stop(server);
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
}
