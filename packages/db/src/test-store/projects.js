// @ts-check
// JavaScript, not TypeScript: vitest configs load it through Node, which does not read .ts here.
import { configDefaults } from "vitest/config";

/**
 * The vitest projects of a suite that runs on both engines: `sqlite` (in-memory databases)
 * and `postgres` (a database per test file on the server the pg globalSetup finds or starts;
 * skipped with one line when there is none, except under CI=true). The files named in
 * `split.sqliteOnly` test SQLite itself and so run on `sqlite` only; those in
 * `split.engineFree` reach no store (or always SQLite's) and run once, as `unit`. All share
 * one temporary folder for the test services' data, removed at the end (data-dirs.ts).
 *
 * @param {import("vitest/config").TestProjectInlineConfiguration["test"] & { include: string[] }} test
 * @param {{ sqliteOnly?: string[]; engineFree?: string[] }} [split]
 * @returns {import("vitest/config").TestProjectInlineConfiguration[]}
 */
export function storeProjects(test, { sqliteOnly = [], engineFree = [] } = {}) {
  const dataDirs = "@authsvc/db/test-store/data-dirs";
  const exclude = [...(test.exclude ?? configDefaults.exclude), ...engineFree];
  return [
    {
      extends: true,
      test: { ...test, name: "sqlite", exclude, env: { ...test.env, AUTH_TEST_STORE: "sqlite" }, globalSetup: [dataDirs] },
    },
    {
      extends: true,
      test: {
        ...test,
        name: "postgres",
        exclude: [...exclude, ...sqliteOnly],
        env: { ...test.env, AUTH_TEST_STORE: "postgres" },
        globalSetup: ["@authsvc/db/pg-testing/global-setup", dataDirs],
        setupFiles: [...[test.setupFiles ?? []].flat(), "@authsvc/db/test-store/setup"],
        // Skips every file when there is no server (the global setup printed one line why).
        runner: "@authsvc/db/test-store/runner",
      },
    },
    ...(engineFree.length
      ? [{ extends: true, test: { ...test, name: "unit", include: engineFree, env: { ...test.env, AUTH_TEST_STORE: "none" }, globalSetup: [dataDirs] } }]
      : []),
  ];
}
