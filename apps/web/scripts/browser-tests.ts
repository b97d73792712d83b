/**
 * `playwright test` with a Chromium found on this machine (see find-chromium.ts); arguments
 * pass through. Without one it prints one line saying what to install, and exits 0 locally,
 * 1 on CI.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { findOrInstallChromium, machineProbe, withoutChromium } from "./find-chromium";

const cli = createRequire(import.meta.url).resolve("@playwright/test/cli");

function installPlaywrightChromium(): boolean {
  console.log("no Chromium found; trying `playwright install chromium`");
  // Its output is a stack trace where downloads are blocked; the line printed after says what to do.
  const run = spawnSync(process.execPath, [cli, "install", "chromium"], { stdio: "ignore", timeout: 10 * 60_000 });
  return run.status === 0;
}

let found;
try {
  found = findOrInstallChromium(machineProbe(), installPlaywrightChromium);
} catch (e) {
  console.error(`browser tests cannot run: ${(e as Error).message}`);
  process.exit(1);
}
if (!found) {
  const { line, exitCode } = withoutChromium(process.env);
  console.error(line);
  process.exit(exitCode);
}
console.log(`browser tests: Chromium from ${found.source}: ${found.path}`);
const run = spawnSync(process.execPath, [cli, "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, CHROMIUM_PATH: found.path },
});
process.exit(run.status ?? 1);
