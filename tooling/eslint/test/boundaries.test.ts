import path from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { base } from "../base.js";
import { apiBoundaries, coreBoundaries, webBoundaries } from "../boundaries.js";

const RULE = "@typescript-eslint/no-restricted-imports";

/** A package directory that need not exist: ESLint lints the text as if it were that file. */
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
    .filter((m) => m.ruleId === RULE || m.ruleId === "@typescript-eslint/no-import-type-side-effects")
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

  it("lets its tests and test harness open a database through @authsvc/db, not through a driver", async () => {
    const db = `import { openDatabase } from "@authsvc/db";${use("openDatabase")}`;
    expect(await boundaryErrors(core, "src/flows/sign-in.test.ts", db)).toEqual([]);
    expect(await boundaryErrors(core, "src/testing.ts", db)).toEqual([]);

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

  it("allows core, db and tRPC", async () => {
    const code = `import { createAuth } from "@authsvc/core";\nimport { openDatabase } from "@authsvc/db";\nimport { initTRPC } from "@trpc/server";${use("createAuth, openDatabase, initTRPC")}`;
    expect(await boundaryErrors(api, "src/trpc/router.ts", code)).toEqual([]);
  });
});

describe("apps/web", () => {
  const web = webBoundaries();

  it.each([
    ["a page", "app/login/page.tsx"],
    ["a component", "src/components/form.tsx"],
  ])("refuses a value import of core in %s", async (_name, file) => {
    const errors = await boundaryErrors(web, file, `import { createAuth } from "@authsvc/core";${use("createAuth")}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("types only");
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
