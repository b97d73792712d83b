// @ts-check
// JavaScript, not TypeScript: vitest configs load it through Node, which does not read .ts here.
import { createRequire } from "node:module";
import { configDefaults } from "vitest/config";

// Absolute paths: vitest resolves these from the suite's own package, which need not depend
// on the packages that hold them.
const resolve = createRequire(import.meta.url).resolve;
const dataDirs = resolve("@authsvc/testing/data-dirs");
const pgServer = resolve("@authsvc/pg-test-server/global-setup");
const setupFile = resolve("@authsvc/testing/setup");
const runner = resolve("@authsvc/testing/runner");

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
        globalSetup: [pgServer, dataDirs],
        setupFiles: [...[test.setupFiles ?? []].flat(), setupFile],
        // Skips every file when there is no server (the global setup printed one line why).
        runner,
      },
    },
    ...(engineFree.length
      ? [{ extends: true, test: { ...test, name: "unit", include: engineFree, env: { ...test.env, AUTH_TEST_STORE: "none" }, globalSetup: [dataDirs] } }]
      : []),
  ];
}
