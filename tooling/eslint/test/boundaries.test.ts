import path from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { base } from "../base.js";
import { apiBoundaries, clientBoundaries, coreBoundaries, dbBoundaries, pgTestServerBoundaries, storeBoundaries, testingBoundaries, webBoundaries } from "../boundaries.js";

const RULE = "@typescript-eslint/no-restricted-imports";
const OUTSIDE = "authsvc/no-relative-import-outside-package";

/** The probes' package (only its package.json exists): ESLint lints each text as if it were that file. */
const packageDir = path.join(import.meta.dirname, "fixture-package");

/**
 * Lints `code` as `file` (relative to the package) under the base config plus `boundaries`,
 * and answers the boundary rules that fired.
 */
async function boundaryErrors(boundaries: Linter.Config[], file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: packageDir, overrideConfigFile: true, overrideConfig: [...base, ...boundaries] });
  const [result] = await eslint.lintText(code, { filePath: path.join(packageDir, file) });
  if (!result) throw new Error("ESLint returned no result");
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal).toEqual([]);
  return result.messages
    .filter((m) => m.ruleId === RULE || m.ruleId === "@typescript-eslint/no-import-type-side-effects" || m.ruleId === OUTSIDE)
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const use = (names: string) => `\nconsole.log(${names});\n`;

describe("packages/core", () => {
  const core = coreBoundaries();

  it.each([
    ["@authsvc/api", `import { createApi } from "@authsvc/api";${use("createApi")}`],
    ["@authsvc/web", `import { x } from "@authsvc/web/server";${use("x")}`],
    ["next", `import { NextResponse } from "next/server";${use("NextResponse")}`],
    ["@trpc/server", `import { TRPCError } from "@trpc/server";${use("TRPCError")}`],
    ["react", `import { useState } from "react";${use("useState")}`],
    ["drizzle-orm", `import { eq } from "drizzle-orm";${use("eq")}`],
    ["better-sqlite3", `import Database from "better-sqlite3";${use("Database")}`],
    ["pg", `import pg from "pg";${use("pg")}`],
    ["@authsvc/db", `import { users } from "@authsvc/db";${use("users")}`],
    ["@authsvc/db/pg", `import { pool } from "@authsvc/db/pg";${use("pool")}`],
    ["a type from @authsvc/db", `import type { User } from "@authsvc/db";\nexport type U = User;\n`],
    ["@authsvc/testing", `import { createTestStore } from "@authsvc/testing";${use("createTestStore")}`],
    ["@authsvc/pg-test-server", `import { pgTestServerUrl } from "@authsvc/pg-test-server";${use("pgTestServerUrl")}`],
  ])("refuses %s in a source file", async (_name, code) => {
    const errors = await boundaryErrors(core, "src/flows/sign-in.ts", code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(RULE);
  });

  it("allows the Store contract, its own modules, Node and its libraries", async () => {
    const code = [
      `import type { Store } from "@authsvc/store";`,
      `import { hash } from "@node-rs/argon2";`,
      `import { SignJWT } from "jose";`,
      `import { createHash } from "node:crypto";`,
      `import { users } from "./pg/users";`,
      `import { reactivate } from "./reactivate";`,
      `import { nextStep } from "./next";`,
      `export type S = Store;`,
      use("hash, SignJWT, createHash, users, reactivate, nextStep"),
    ].join("\n");
    expect(await boundaryErrors(core, "src/flows/sign-in.ts", code)).toEqual([]);
  });

  it("lets its tests, test harness and vitest config use @authsvc/testing, not @authsvc/db or a driver", async () => {
    const testing = `import { createTestStore } from "@authsvc/testing";${use("createTestStore")}`;
    expect(await boundaryErrors(core, "src/flows/sign-in.test.ts", testing)).toEqual([]);
    expect(await boundaryErrors(core, "src/testing.ts", testing)).toEqual([]);
    const projects = `import { storeProjects } from "@authsvc/testing/projects";${use("storeProjects")}`;
    expect(await boundaryErrors(core, "vitest.config.ts", projects)).toEqual([]);

    const db = `import { createSqliteDatabase } from "@authsvc/db";${use("createSqliteDatabase")}`;
    expect(await boundaryErrors(core, "src/flows/sign-in.test.ts", db)).toHaveLength(1);
    expect(await boundaryErrors(core, "src/testing.ts", db)).toHaveLength(1);
    const driver = `import { eq } from "drizzle-orm";${use("eq")}`;
    expect(await boundaryErrors(core, "src/flows/sign-in.test.ts", driver)).toHaveLength(1);
    const next = `import { NextResponse } from "next/server";${use("NextResponse")}`;
    expect(await boundaryErrors(core, "src/flows/sign-in.test.ts", next)).toHaveLength(1);
  });
});

describe("packages/api", () => {
  const api = apiBoundaries();

  it.each([
    ["@authsvc/web", `import { x } from "@authsvc/web";${use("x")}`],
    ["next", `import { NextRequest } from "next/server";${use("NextRequest")}`],
    ["a type from next", `import type { NextRequest } from "next/server";\nexport type R = NextRequest;\n`],
  ])("refuses %s", async (_name, code) => {
    expect(await boundaryErrors(api, "src/rest/handler.ts", code)).toHaveLength(1);
  });

  it.each([
    ["@authsvc/db", `import { createSqliteDatabase } from "@authsvc/db";${use("createSqliteDatabase")}`],
    ["@authsvc/db/pg", `import { createPgDatabase } from "@authsvc/db/pg";${use("createPgDatabase")}`],
    ["drizzle-orm", `import { eq } from "drizzle-orm";${use("eq")}`],
    ["pg", `import pg from "pg";${use("pg")}`],
    ["better-sqlite3", `import Database from "better-sqlite3";${use("Database")}`],
  ])("refuses storage: %s, in source and in tests", async (_name, code) => {
    expect(await boundaryErrors(api, "src/rest/handler.ts", code)).toHaveLength(1);
    expect(await boundaryErrors(api, "src/rest/handler.test.ts", code)).toHaveLength(1);
  });

  it("allows core and tRPC, and the test infrastructure in its tests, test harness and vitest config only", async () => {
    const code = `import { createAuth } from "@authsvc/core";\nimport { initTRPC } from "@trpc/server";${use("createAuth, initTRPC")}`;
    expect(await boundaryErrors(api, "src/trpc/router.ts", code)).toEqual([]);
    const projects = `import { storeProjects } from "@authsvc/testing/projects";${use("storeProjects")}`;
    expect(await boundaryErrors(api, "vitest.config.ts", projects)).toEqual([]);
    expect(await boundaryErrors(api, "src/trpc/router.ts", projects)).toHaveLength(1);
    const testing = `import { createTestStore } from "@authsvc/testing";${use("createTestStore")}`;
    for (const file of ["src/rest/handler.test.ts", "src/test/harness.ts", "src/testing.ts"]) {
      expect(await boundaryErrors(api, file, testing), file).toEqual([]);
    }
    expect(await boundaryErrors(api, "src/rest/handler.ts", testing)).toHaveLength(1);
  });
});

describe("packages/store", () => {
  const store = storeBoundaries();

  it.each([
    ["@authsvc/core", `import { createAuth } from "@authsvc/core";${use("createAuth")}`],
    ["@authsvc/db", `import { createSqliteDatabase } from "@authsvc/db";${use("createSqliteDatabase")}`],
    ["@authsvc/api", `import { createApi } from "@authsvc/api";${use("createApi")}`],
    ["a type from @authsvc/db", `import type { User } from "@authsvc/db";\nexport type U = User;\n`],
    ["@authsvc/testing", `import { createTestStore } from "@authsvc/testing";${use("createTestStore")}`],
  ])("refuses %s", async (_name, code) => {
    expect(await boundaryErrors(store, "src/store.ts", code)).toHaveLength(1);
  });

  it("allows Node, its own modules and the lint config", async () => {
    const code = `import { existsSync } from "node:fs";\nimport { base } from "@authsvc/eslint-config/base";\nimport { x } from "./errors";${use("existsSync, base, x")}`;
    expect(await boundaryErrors(store, "src/store.ts", code)).toEqual([]);
  });
});

describe("packages/db", () => {
  const db = dbBoundaries();

  it.each([
    ["@authsvc/core", `import { createAuth } from "@authsvc/core";${use("createAuth")}`],
    ["@authsvc/core/testing", `import { createTestAuth } from "@authsvc/core/testing";${use("createTestAuth")}`],
    ["@authsvc/api", `import { createApi } from "@authsvc/api";${use("createApi")}`],
    ["@authsvc/web", `import { x } from "@authsvc/web";${use("x")}`],
  ])("refuses %s", async (_name, code) => {
    expect(await boundaryErrors(db, "src/pg/store/users.ts", code)).toHaveLength(1);
  });

  it("allows the Store contract, Drizzle and the drivers", async () => {
    const code = `import type { Store } from "@authsvc/store";\nimport { eq } from "drizzle-orm";\nimport pg from "pg";\nexport type S = Store;${use("eq, pg")}`;
    expect(await boundaryErrors(db, "src/pg/store/users.ts", code)).toEqual([]);
  });

  it("lets its tests and their fixtures use the PostgreSQL test server, never @authsvc/testing (built on db: a cycle)", async () => {
    const server = `import { usePgTestDatabase } from "@authsvc/pg-test-server";${use("usePgTestDatabase")}`;
    expect(await boundaryErrors(db, "src/pg/store/store.test.ts", server)).toEqual([]);
    expect(await boundaryErrors(db, "src/pg/store/fixtures.ts", server)).toEqual([]);
    expect(await boundaryErrors(db, "vitest.config.ts", `import "@authsvc/pg-test-server/global-setup";\n`)).toEqual([]);
    expect(await boundaryErrors(db, "src/pg/store/users.ts", server)).toHaveLength(1);

    const testing = `import { createTestStore } from "@authsvc/testing";${use("createTestStore")}`;
    expect(await boundaryErrors(db, "src/pg/store/store.test.ts", testing)).toHaveLength(1);
    expect(await boundaryErrors(db, "src/pg/store/users.ts", testing)).toHaveLength(1);
  });
});

describe("tooling/pg-test-server", () => {
  const server = pgTestServerBoundaries();

  it.each([
    ["@authsvc/db", `import { createPgDatabase } from "@authsvc/db/pg";${use("createPgDatabase")}`],
    ["@authsvc/store", `import type { Store } from "@authsvc/store";\nexport type S = Store;\n`],
    ["@authsvc/testing", `import { createTestStore } from "@authsvc/testing";${use("createTestStore")}`],
  ])("refuses %s", async (_name, code) => {
    expect(await boundaryErrors(server, "src/databases.ts", code)).toHaveLength(1);
  });

  it("allows the driver and vitest", async () => {
    const code = `import pg from "pg";\nimport { inject } from "vitest";${use("pg, inject")}`;
    expect(await boundaryErrors(server, "src/databases.ts", code)).toEqual([]);
  });
});

describe("packages/testing", () => {
  const testing = testingBoundaries();

  it.each([
    ["@authsvc/core", `import { createAuth } from "@authsvc/core";${use("createAuth")}`],
    ["@authsvc/core/testing", `import { createTestAuth } from "@authsvc/core/testing";${use("createTestAuth")}`],
    ["a type from @authsvc/core", `import type { Auth } from "@authsvc/core";\nexport type A = Auth;\n`],
    ["@authsvc/api", `import { createApi } from "@authsvc/api";${use("createApi")}`],
    ["@authsvc/web", `import { x } from "@authsvc/web";${use("x")}`],
  ])("refuses %s: core's and the API's tests use it", async (_name, code) => {
    expect(await boundaryErrors(testing, "src/test-store/index.ts", code)).toHaveLength(1);
  });

  it("allows the engines, the Store contract and the PostgreSQL test server", async () => {
    const code = [
      `import { createSqliteDatabase } from "@authsvc/db";`,
      `import { createPgStore } from "@authsvc/db/pg";`,
      `import type { Store } from "@authsvc/store";`,
      `import { pgTestServerUrl } from "@authsvc/pg-test-server";`,
      `export type S = Store;`,
      use("createSqliteDatabase, createPgStore, pgTestServerUrl"),
    ].join("\n");
    expect(await boundaryErrors(testing, "src/test-store/index.ts", code)).toEqual([]);
  });
});

describe("any package", () => {
  it.each([
    ["an import", `import { x } from "../../../other-package/src/x";${use("x")}`],
    ["a re-export", `export { x } from "../../../packages/testing/src/receivers";\n`],
    ["a re-export of everything", `export * from "../../../other-package";\n`],
    ["a dynamic import", `await import("../../../other-package/src/x");\n`],
  ])("refuses a relative path out of the package: %s", async (_name, code) => {
    const errors = await boundaryErrors([], "test/support/receivers.ts", code);
    expect(errors).toEqual([expect.stringContaining(OUTSIDE)]);
  });

  it("allows relative paths that stay inside it", async () => {
    const code = `import { x } from "../../src/x";\nimport { y } from "./y";\nexport { z } from "../z";${use("x, y")}`;
    expect(await boundaryErrors([], "test/support/receivers.ts", code)).toEqual([]);
  });
});

describe("apps/web", () => {
  const web = webBoundaries();

  it.each([
    ["a page", "app/login/page.tsx"],
    ["a component", "src/components/form.tsx"],
    ["a message file", "src/i18n/admin.ts"],
    ["the tRPC client", "src/trpc/react.tsx"],
  ])("refuses a value import of core in %s", async (_name, file) => {
    const errors = await boundaryErrors(web, file, `import { createAuth } from "@authsvc/core";${use("createAuth")}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("types only");
  });

  it.each([
    ["the API at run time", `import { appRouter } from "@authsvc/api";${use("appRouter")}`],
    ["@authsvc/db", `import { createSqliteDatabase } from "@authsvc/db";${use("createSqliteDatabase")}`],
    ["a type from @authsvc/db", `import type { User } from "@authsvc/db";\nexport type U = User;\n`],
    ["pg", `import pg from "pg";${use("pg")}`],
    ["better-sqlite3", `import Database from "better-sqlite3";${use("Database")}`],
  ])("refuses %s in the screens", async (_name, code) => {
    for (const file of ["app/account/sessions.tsx", "src/components/form.tsx", "src/i18n/admin.ts", "src/trpc/react.tsx"]) {
      expect(await boundaryErrors(web, file, code), file).toHaveLength(1);
    }
  });

  it("refuses the test infrastructure outside the app's tests", async () => {
    const code = `import { startSmtpReceiver } from "@authsvc/testing/receivers";${use("startSmtpReceiver")}`;
    for (const file of ["app/login/page.tsx", "src/env.ts", "server.ts", "scripts/backup.ts"]) {
      expect(await boundaryErrors(web, file, code), file).toHaveLength(1);
    }
    const server = `import { pgTestServer } from "@authsvc/pg-test-server/global-setup";${use("pgTestServer")}`;
    expect(await boundaryErrors(web, "src/env.ts", server)).toHaveLength(1);
    for (const file of ["test/support/receivers.ts", "e2e/support/global-setup.ts", "scripts/browser-tests.ts", "vitest.config.ts"]) {
      expect(await boundaryErrors(web, file, code), file).toEqual([]);
      expect(await boundaryErrors(web, file, server), file).toEqual([]);
    }
  });

  it("allows the API's types in the screens", async () => {
    const code = `import type { AppRouter } from "@authsvc/api";\nexport type R = AppRouter;\n`;
    expect(await boundaryErrors(web, "src/trpc/react.tsx", code)).toEqual([]);
  });

  it("refuses core's other entries in a page", async () => {
    const code = `import { createTestAuth } from "@authsvc/core/testing";${use("createTestAuth")}`;
    expect(await boundaryErrors(web, "app/login/page.tsx", code)).toHaveLength(1);
  });

  it("refuses an inline type import, which still loads core at run time", async () => {
    const code = `import { type AuditKind } from "@authsvc/core";\nexport type K = AuditKind;\n`;
    const errors = await boundaryErrors(web, "app/admin/audit/query.ts", code);
    expect(errors).toEqual([expect.stringContaining("no-import-type-side-effects")]);
  });

  it("allows `import type` of core and the vocabulary entry in pages and components", async () => {
    const code = `import type { AuditKind } from "@authsvc/core";\nimport { PASSWORD } from "@authsvc/core/vocabulary";\nexport type K = AuditKind;${use("PASSWORD")}`;
    expect(await boundaryErrors(web, "app/admin/audit/query.ts", code)).toEqual([]);
    expect(await boundaryErrors(web, "src/components/form.tsx", code)).toEqual([]);
  });

  it("leaves the server side of the app free to use core", async () => {
    const code = `import { createAuth } from "@authsvc/core";${use("createAuth")}`;
    expect(await boundaryErrors(web, "src/server/auth.ts", code)).toEqual([]);
    expect(await boundaryErrors(web, "server.ts", code)).toEqual([]);
  });
});

describe("packages/client", () => {
  const client = clientBoundaries();

  it.each([
    ["@authsvc/api", `import { createCaller } from "@authsvc/api";${use("createCaller")}`],
    ["@authsvc/core", `import { AUTH_ERRORS } from "@authsvc/core";${use("AUTH_ERRORS")}`],
    ["@authsvc/core/vocabulary", `import { PASSWORD } from "@authsvc/core/vocabulary";${use("PASSWORD")}`],
  ])("refuses to load %s, which is never published", async (_name, code) => {
    expect(await boundaryErrors(client, "src/client.ts", code)).toHaveLength(1);
  });

  it("refuses an inline type import, which still loads the package at run time", async () => {
    const code = `import { type AppRouter } from "@authsvc/api";\nexport type R = AppRouter;\n`;
    expect(await boundaryErrors(client, "src/router.ts", code)).toEqual([expect.stringContaining("no-import-type-side-effects")]);
  });

  it("allows the API's and core's types, tRPC's client, and the client itself in its consumer fixtures", async () => {
    const types = `import type { AppRouter } from "@authsvc/api";\nimport type { AuthErrorCode } from "@authsvc/core";\nimport { httpBatchLink } from "@trpc/client";\nexport type R = [AppRouter, AuthErrorCode];${use("httpBatchLink")}`;
    expect(await boundaryErrors(client, "src/router.ts", types)).toEqual([]);
    const consumer = `import { createAuthClient } from "@authsvc/client";${use("createAuthClient")}`;
    expect(await boundaryErrors(client, "test/consumer/usage.ts", consumer)).toEqual([]);
  });
});
