import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, start, stop, waitForHealth } from "../../test/support/server";

/**
 * The production server on a free port with a fresh database, as `pnpm start` runs it.
 * Workers inherit E2E_BASE_URL; the returned function stops the server and removes its data.
 */
export default async function globalSetup() {
  const dir = mkdtempSync(path.join(tmpdir(), "authsvc-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = start(dir, {
    PORT: String(port),
    DATABASE_URL: `file:${path.join(dir, "auth.db")}`,
    PUBLIC_URL: base,
  });
  await waitForHealth(base, server);
  process.env.E2E_BASE_URL = base;
  return async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  };
}
