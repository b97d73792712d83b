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
  ["@authsvc/db", ...sqlAndDrivers],
  "core's tests reach a database through @authsvc/testing (core depends on no engine), not through @authsvc/db, Drizzle or a driver.",
);
/** The test infrastructure: only tests, test harnesses and vitest configs use it. */
const testInfrastructure = ["@authsvc/testing", "@authsvc/pg-test-server"];

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

/** tooling/pg-test-server: a PostgreSQL server for tests, below packages/db (whose tests use it); it imports none of ours. */
export function pgTestServerBoundaries() {
  return defineConfig({
    rules: {
      [RULE]: restrict([oursBut([], "@authsvc/pg-test-server knows no schema and no package of ours: packages/db's own tests use it.")]),
    },
  });
}

/** Where packages/db's tests and their fixtures live. */
export const dbTestFiles = ["**/*.test.ts", "src/pg/store/fixtures.ts", "vitest.config.ts"];

/**
 * packages/db: the engines behind the Store contract; of our packages it knows only that
 * contract, and its tests the PostgreSQL test server. Never @authsvc/testing, which is built
 * on db (a cycle).
 */
export function dbBoundaries() {
  const message = "packages/db implements the Store contract (@authsvc/store) and knows no other package of ours.";
  return defineConfig(
    { rules: { [RULE]: restrict([oursBut(["store"], message)]) } },
    {
      files: dbTestFiles,
      rules: {
        [RULE]: restrict([oursBut(["store", "pg-test-server"], `${message} Its tests also use @authsvc/pg-test-server, never @authsvc/testing (built on db).`)]),
      },
    },
  );
}

/**
 * packages/testing: the test store (on db's engines), the vitest projects, the transports'
 * receivers. Core's and the API's tests use it, so it knows neither of them (nor the web app).
 */
export function testingBoundaries() {
  return defineConfig({
    rules: {
      [RULE]: restrict([
        oursBut(["store", "db", "pg-test-server"], "@authsvc/testing sits under core's and the API's tests: it knows the Store contract and the engines, not core, the API or the web app."),
      ]),
    },
  });
}

/** Where core's tests (and the test harness it exports as `@authsvc/core/testing`, and their config) live. */
export const coreTestFiles = ["**/*.test.ts", "src/testing.ts", "vitest.config.ts"];

const testingForCore = packages(
  testInfrastructure,
  "Test infrastructure is for core's tests, its test harness (src/testing.ts) and vitest config only: it is a devDependency.",
);

/**
 * packages/core: the domain. No HTTP, Next, React or tRPC; no SQL, Drizzle or driver: state
 * goes through the Store contract (@authsvc/store). Its tests reach a database through
 * @authsvc/testing only.
 */
export function coreBoundaries() {
  const outward = [api, web, next, httpAndUi];
  return defineConfig(
    { rules: { [RULE]: restrict([...outward, storageEngines, testingForCore]) } },
    { files: coreTestFiles, rules: { [RULE]: restrict([...outward, drivers]) } },
  );
}

const storageForApi = packages(
  ["@authsvc/db", ...sqlAndDrivers],
  "packages/api translates HTTP and tRPC to core; storage is core's, reached through the Store, never from here.",
);

const testingForApi = packages(
  testInfrastructure,
  "Test infrastructure is for the API's tests, its test harness and vitest config only: it is a devDependency.",
);

/** Where the API's tests, its test harness (exported as `@authsvc/api/testing`) and their config live. */
export const apiTestFiles = ["**/*.test.ts", "src/test/**", "src/testing.ts", "src/attacks/support.ts", "src/rest/test-helpers.ts", "vitest.config.ts"];

/**
 * packages/api: a translator between HTTP/tRPC and core; it knows nothing of the web app, Next
 * or storage (its tests run on both engines through @authsvc/testing's vitest projects).
 */
export function apiBoundaries() {
  return defineConfig(
    { rules: { [RULE]: restrict([web, next, storageForApi, testingForApi]) } },
    { files: apiTestFiles, rules: { [RULE]: restrict([web, next, storageForApi]) } },
  );
}

/** Where the OpenID provider's tests and their config live. */
export const oidcTestFiles = ["**/*.test.ts", "src/test/**", "vitest.config.ts"];

/**
 * packages/oidc: the OpenID Connect provider (oidc-provider) over core. It knows nothing of the
 * web app, Next or the HTTP/tRPC translator, and reaches storage only through core.
 */
export function oidcBoundaries() {
  const storage = packages(["@authsvc/db", ...sqlAndDrivers], "packages/oidc stores through core (its Store-backed models), never SQL, Drizzle or a driver.");
  const testing = packages(testInfrastructure, "Test infrastructure is for the provider's tests and vitest config only: it is a devDependency.");
  return defineConfig(
    { rules: { [RULE]: restrict([web, next, api, storage, testing]) } },
    { files: oidcTestFiles, rules: { [RULE]: restrict([web, next, api, storage]) } },
  );
}

/**
 * packages/client: published on its own, so it loads none of our packages (they are never
 * published): it takes the API's and core's types (`import type`), which its build inlines
 * into its .d.ts. Its consumer fixtures (`test/consumer/`) import the client itself.
 */
export function clientBoundaries() {
  return defineConfig({
    rules: {
      [RULE]: restrict([
        {
          regex: "^@authsvc/(?!(?:client|eslint-config)(?:/|$))",
          caseSensitive: true,
          allowTypeImports: true,
          message: "The published client loads none of our packages (they are never published): take their types only (`import type`), which the build inlines.",
        },
      ]),
      // `import { type X }` still loads the module under verbatimModuleSyntax; only `import type { X }` is erased.
      "@typescript-eslint/no-import-type-side-effects": "error",
    },
  });
}

/** The web app's screens and what they are built from: the parts that can end up in a browser bundle. */
export const webUiFiles = ["app/**/*.{ts,tsx}", "src/components/**/*.{ts,tsx}", "src/i18n/**/*.{ts,tsx}", "src/trpc/**/*.{ts,tsx}"];

/** The web app's tests and what runs them: the only files of the app that may use the test infrastructure. */
export const webTestFiles = ["test/**", "e2e/**", "scripts/browser-tests.ts", "vitest.config.ts"];

/**
 * apps/web: screens take core's and the API's types only (`import type`), plus the
 * `@authsvc/core/vocabulary` entry, which core keeps for them, and `@authsvc/api/reference`, the
 * procedure reference as data; everything else of core, the API and storage runs on the server. Only the app's tests use the test infrastructure.
 */
export function webBoundaries() {
  return defineConfig(
    {
      ignores: webTestFiles,
      rules: { [RULE]: restrict([packages(testInfrastructure, "Test infrastructure belongs to the web app's tests, never to the service it ships.")]) },
    },
    {
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
            // @authsvc/api/reference is data (the generated procedure reference), for /docs/api.
            regex: "^@authsvc/api(?:/(?!reference$).*)?$",
            caseSensitive: true,
            allowTypeImports: true,
            message:
              "Screens reach the API over HTTP (tRPC's client) and take its types only (`import type`), or @authsvc/api/reference's data; it runs on the server.",
          },
          packages(["@authsvc/db", ...sqlAndDrivers], "Screens never reach storage: it is behind the API, on the server."),
          packages(testInfrastructure, "Test infrastructure belongs to the tests, never to a screen."),
        ]),
        // `import { type X }` still loads the module under verbatimModuleSyntax; only
        // `import type { X }` is erased, which is what the rule above allows.
        "@typescript-eslint/no-import-type-side-effects": "error",
      },
    },
  );
}
