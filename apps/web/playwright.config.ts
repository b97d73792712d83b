import { defineConfig, devices } from "@playwright/test";
import { findChromium, machineProbe } from "./scripts/find-chromium";

/**
 * `pnpm test` passes the Chromium it found in CHROMIUM_PATH (scripts/browser-tests.ts); a bare
 * `playwright test` searches the same way (browsers cannot be downloaded everywhere).
 */
const chromiumPath = findChromium(machineProbe())?.path;

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/support/global-setup.ts",
  // One server, one database, two tests at a time, from any file: no test depends on another's
  // order or data (each uses addresses and numbers of its own, e2e/support/accounts.ts), and the
  // per-address limits count the suite's requests, not their order. Two, for two cores.
  workers: 2,
  fullyParallel: true,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: "test-results/playwright",
  // One picture per screen for every machine: CI runs on the machine the pictures were made on.
  snapshotPathTemplate: "{testDir}/__screenshots__/{arg}{ext}",
  reporter: [["list"]],
  // Every spec file's time at the end of the run: where the suite's minutes go.
  reportSlowTests: { max: 0, threshold: 0 },
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
});
