// @ts-check
// JavaScript, not TypeScript: vitest configs load it through Node, which does not read .ts here.
import { configDefaults } from "vitest/config";

/**
 * The vitest projects of a suite that runs on both engines: `sqlite` (in-memory databases)
 * and `postgres` (a database per test file on the server the pg globalSetup finds or starts;
 * skipped with one line when there is none, except under CI=true). `sqliteOnly` names files
 * that test SQLite itself and so run on `sqlite` only. Both share one temporary folder for the
 * test services' data, removed at the end (data-dirs.ts).
 *
 * @param {import("vitest/config").TestProjectInlineConfiguration["test"] & { include: string[] }} test
 * @param {string[]} [sqliteOnly]
 * @returns {import("vitest/config").TestProjectInlineConfiguration[]}
 */
export function storeProjects(test, sqliteOnly = []) {
  const dataDirs = "@authsvc/db/test-store/data-dirs";
  return [
    {
      extends: true,
      test: { ...test, name: "sqlite", env: { ...test.env, AUTH_TEST_STORE: "sqlite" }, globalSetup: [dataDirs] },
    },
    {
      extends: true,
      test: {
        ...test,
        name: "postgres",
        exclude: [...(test.exclude ?? configDefaults.exclude), ...sqliteOnly],
        env: { ...test.env, AUTH_TEST_STORE: "postgres" },
        globalSetup: ["@authsvc/db/pg-testing/global-setup", dataDirs],
        setupFiles: [...[test.setupFiles ?? []].flat(), "@authsvc/db/test-store/setup"],
        // Skips every file when there is no server (the global setup printed one line why).
        runner: "@authsvc/db/test-store/runner",
      },
    },
  ];
}
