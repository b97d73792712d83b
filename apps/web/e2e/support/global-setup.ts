import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { testServerUrl } from "@authsvc/pg-test-server/global-setup";
import { instancesOf, launchService, serverDatabase, type ServerEngine } from "../../test/support/server";

/**
 * The engine the run's service is on: SQLite by default; with E2E_DATABASE=postgres a
 * PostgreSQL database of its own on TEST_DATABASE_URL's server, and with E2E_INSTANCES=2 two
 * instances on it behind a round-robin balancer.
 */
function e2eEngine(): ServerEngine {
  const database = process.env.E2E_DATABASE || "sqlite";
  const instances = process.env.E2E_INSTANCES || "1";
  if (database !== "sqlite" && database !== "postgres") throw new Error(`E2E_DATABASE must be sqlite or postgres, not ${database}`);
  if (instances !== "1" && instances !== "2") throw new Error(`E2E_INSTANCES must be 1 or 2, not ${instances}`);
  if (database === "sqlite" && instances === "2") throw new Error("E2E_INSTANCES=2 needs E2E_DATABASE=postgres: SQLite is one process's");
  if (database === "sqlite") return "SQLite";
  return instances === "2" ? "PostgreSQL, two instances" : "PostgreSQL";
}

/**
 * The production service on a fresh database, as `pnpm start` runs it. Workers inherit
 * E2E_BASE_URL and E2E_DATABASE_URL; the returned function stops the service and removes its data.
 */
export default async function globalSetup() {
  const engine = e2eEngine();
  const dir = mkdtempSync(path.join(tmpdir(), "authsvc-e2e-"));
  const database = await serverDatabase(engine, dir, testServerUrl());
  const service = await launchService(dir, database.env, instancesOf(engine), { publicUrl: true });
  process.env.E2E_BASE_URL = service.base;
  process.env.E2E_DATABASE_URL = database.env.DATABASE_URL;
  // For the command-line tools a test runs against the service (pnpm oidc:client): SQLite's secret is in its data folder.
  if (database.env.AUTH_SECRET) process.env.E2E_AUTH_SECRET = database.env.AUTH_SECRET;
  console.log(`browser tests on ${engine}: ${service.base}`);
  return async () => {
    await service.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
}
