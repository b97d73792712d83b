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
 * Our own packages but those named (and the lint config, which every package's
 * eslint.config.js loads).
 *
 * @param {string[]} allowed
 * @param {string} message
 * @returns {Pattern}
 */
const oursBut = (allowed, message) => ({
  regex: `^@authsvc/(?!(?:${[...allowed, "eslint-config"].join("|")})(?:/|$))`,
  caseSensitive: true,
  message,
});

/**
 * @param {Pattern[]} patterns
 * @returns {import("eslint").Linter.RuleEntry}
 */
const restrict = (patterns) => ["error", { patterns }];

/** packages/store: the contract every other package builds on; it imports none of them. */
export function storeBoundaries() {
  return defineConfig({
    rules: { [RULE]: restrict([oursBut([], "packages/store is the contract the other packages build on: it imports none of them.")]) },
  });
}

/** packages/db: the engines behind the Store contract; of our packages it knows only that contract. */
export function dbBoundaries() {
  return defineConfig({
    rules: {
      [RULE]: restrict([oursBut(["store"], "packages/db implements the Store contract (@authsvc/store) and knows no other package of ours.")]),
    },
  });
}

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

const storageForApi = packages(
  ["@authsvc/db", ...sqlAndDrivers],
  "packages/api translates HTTP and tRPC to core; storage is core's, reached through the Store, never from here.",
);

/** @type {Pattern} */
const storageForApiTests = {
  ...storageForApi,
  // The test store's vitest projects (one run per engine) are the exception.
  regex: "^(?:@authsvc/db(?!/test-store/)|drizzle-orm|better-sqlite3|pg)(?:/.*)?$",
};

/**
 * packages/api: a translator between HTTP/tRPC and core; it knows nothing of the web app, Next
 * or storage (its vitest config takes the test store's projects).
 */
export function apiBoundaries() {
  return defineConfig(
    { rules: { [RULE]: restrict([web, next, storageForApi]) } },
    { files: ["vitest.config.ts"], rules: { [RULE]: restrict([web, next, storageForApiTests]) } },
  );
}

/** The web app's screens and what they are built from: the parts that can end up in a browser bundle. */
export const webUiFiles = ["app/**/*.{ts,tsx}", "src/components/**/*.{ts,tsx}", "src/i18n/**/*.{ts,tsx}", "src/trpc/**/*.{ts,tsx}"];

/**
 * apps/web: screens take core's and the API's types only (`import type`), plus the
 * `@authsvc/core/vocabulary` entry, which core keeps for them; everything else of core, the API
 * and storage runs on the server.
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
        {
          regex: "^@authsvc/api(?:/.*)?$",
          caseSensitive: true,
          allowTypeImports: true,
          message: "Screens reach the API over HTTP (tRPC's client) and take its types only (`import type`); it runs on the server.",
        },
        packages(["@authsvc/db", ...sqlAndDrivers], "Screens never reach storage: it is behind the API, on the server."),
      ]),
      // `import { type X }` still loads the module under verbatimModuleSyntax; only
      // `import type { X }` is erased, which is what the rule above allows.
      "@typescript-eslint/no-import-type-side-effects": "error",
    },
  });
}
