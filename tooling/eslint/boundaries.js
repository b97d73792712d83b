// @ts-check
/**
 * Import boundaries between the packages (core free of HTTP, Next and SQL; api a translator;
 * the web app's pages free of core's logic). Each is a `@typescript-eslint/no-restricted-imports`
 * setting: that rule can tell an `import type` from an import that loads the module.
 *
 * ESLint does not merge a rule's options across config objects (a later one replaces the
 * earlier), so each package's boundary is one setting built from the groups below.
 */
import { defineConfig } from "eslint/config";

const RULE = "@typescript-eslint/no-restricted-imports";

/** @typedef {{ regex: string, message: string, caseSensitive?: boolean, allowTypeImports?: boolean }} Pattern */

/**
 * A pattern for whole packages and their subpath entries (`next`, `next/server`), as a regular
 * expression rather than a gitignore-style group: a group `pg` would also match `./pg`.
 *
 * @param {string[]} names
 * @param {string} message
 * @returns {Pattern}
 */
const packages = (names, message) => ({
  regex: `^(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?:/.*)?$`,
  caseSensitive: true,
  message,
});

const web = packages(["@authsvc/web"], "apps/web depends on the packages, never the other way round.");
const next = packages(["next"], "Next.js belongs to apps/web; the packages must run without it.");
const api = packages(["@authsvc/api"], "core is the domain: it does not know the HTTP/tRPC translator in packages/api.");
/** @type {Pattern} */
const httpAndUi = {
  regex: "^(?:@trpc/.*|(?:react|react-dom)(?:/.*)?)$",
  caseSensitive: true,
  message: "core is the domain: tRPC and React belong to packages/api and apps/web.",
};
const sqlAndDrivers = ["drizzle-orm", "better-sqlite3", "pg"];
const storageEngines = packages(
  ["@authsvc/db", ...sqlAndDrivers],
  "core reaches storage through the Store contract (@authsvc/store), never SQL, Drizzle or a driver.",
);
const drivers = packages(
  sqlAndDrivers,
  "core's tests reach a database through @authsvc/db, not through Drizzle or a driver directly.",
);

/**
 * @param {Pattern[]} patterns
 * @returns {import("eslint").Linter.RuleEntry}
 */
const restrict = (patterns) => ["error", { patterns }];

/** Where core's tests (and the test harness it exports as `@authsvc/core/testing`, and their config) live. */
export const coreTestFiles = ["**/*.test.ts", "src/testing.ts", "vitest.config.ts"];

/**
 * packages/core: the domain. No HTTP, Next, React or tRPC; no SQL, Drizzle or driver outside
 * its tests (which may open a database through @authsvc/db): state goes through the Store
 * contract (@authsvc/store).
 */
export function coreBoundaries() {
  const outward = [api, web, next, httpAndUi];
  return defineConfig(
    { rules: { [RULE]: restrict([...outward, storageEngines]) } },
    { files: coreTestFiles, rules: { [RULE]: restrict([...outward, drivers]) } },
  );
}

/** packages/api: a translator between HTTP/tRPC and core; it knows nothing of the web app or Next. */
export function apiBoundaries() {
  return defineConfig({ rules: { [RULE]: restrict([web, next]) } });
}

/** The web app's pages and components: the parts that can end up in a browser bundle. */
export const webUiFiles = ["app/**/*.{ts,tsx}", "src/components/**/*.{ts,tsx}"];

/**
 * apps/web: pages and components take core's types only (`import type`), plus the
 * `@authsvc/core/vocabulary` entry, which core keeps for them; everything else of core runs on
 * the server, behind packages/api.
 */
export function webBoundaries() {
  return defineConfig({
    files: webUiFiles,
    rules: {
      [RULE]: restrict([
        {
          regex: "^@authsvc/core(?:/(?!vocabulary$).*)?$",
          caseSensitive: true,
          allowTypeImports: true,
          message:
            "Pages and components take core's types only (`import type`) or @authsvc/core/vocabulary; the rest of core runs behind packages/api.",
        },
      ]),
      // `import { type X }` still loads the module under verbatimModuleSyntax; only
      // `import type { X }` is erased, which is what the rule above allows.
      "@typescript-eslint/no-import-type-side-effects": "error",
    },
  });
}
