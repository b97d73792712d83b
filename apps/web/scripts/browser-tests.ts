/**
 * `playwright test` with a Chromium found on this machine (see find-chromium.ts), on two
 * PostgreSQL instances or else on SQLite (below); arguments pass through. Without a Chromium it prints
 * one line saying what to install, and exits 0 locally, 1 on CI.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pgTestServer } from "@authsvc/pg-test-server/global-setup";
import { findOrInstallChromium, installPlaywrightChromium, machineProbe, withoutChromium } from "./find-chromium";

const cli = createRequire(import.meta.url).resolve("@playwright/test/cli");

let search;
try {
  search = findOrInstallChromium(machineProbe(), () => {
    console.log("no Chromium found; trying `playwright install chromium`");
    return installPlaywrightChromium(cli);
  });
} catch (e) {
  console.error(`browser tests cannot run: ${(e as Error).message}`);
  process.exit(1);
}
if (!search.found) {
  const { line, exitCode } = withoutChromium(process.env, search.why);
  console.error(line);
  process.exit(exitCode);
}
const chromium = search.found;
console.log(`browser tests: Chromium from ${chromium.source}: ${chromium.path}`);

function playwright(env: Record<string, string>): number {
  const run = spawnSync(process.execPath, [cli, "test", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, CHROMIUM_PATH: chromium.path, ...env },
  });
  return run.status ?? 1;
}

// Told an engine (E2E_DATABASE, E2E_INSTANCES): that run only. Otherwise one pass: on two
// instances on one PostgreSQL database behind a balancer, the widest case, or on SQLite where
// no PostgreSQL server can be had (saying so; a failure under CI=true). CI's Node 24 pass takes
// the suite on SQLite (.ci/run), so each engine gets its browser pass in every CI run.
if (process.env.E2E_DATABASE) process.exit(playwright({}));
let server;
try {
  server = await pgTestServer("browser tests on PostgreSQL");
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
if (!server) {
  console.log("browser tests: on SQLite instead");
  process.exit(playwright({ E2E_DATABASE: "sqlite" }));
}
try {
  process.exitCode = playwright({ E2E_DATABASE: "postgres", E2E_INSTANCES: "2", TEST_DATABASE_URL: server.url });
} finally {
  await server.stop();
}
