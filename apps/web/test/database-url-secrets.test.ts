/**
 * Issue 19, item 8: DATABASE_URL's secrets never reach the terminal or the log.
 * - `pnpm backup` on PostgreSQL prints the pg_dump command: without the userinfo password
 *   (it did that already) and without a `?password=` query parameter (it echoed that).
 * - A DATABASE_URL that does not parse was printed whole in the start error, password and
 *   all; the error names the setting and what is wrong instead.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../src/env";
import { appDir, serverEnv } from "./support/server";

const SECRET = "database-url-secrets-test-0123456789-abcdef";
const cwd = mkdtempSync(path.join(tmpdir(), "authsvc-db-url-secrets-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function problemsFor(url: string): string[] {
  try {
    loadEnv({ DATABASE_URL: url, AUTH_SECRET: SECRET }, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as EnvError).problems;
  }
  throw new Error(`expected DATABASE_URL=${url} to be refused`);
}

describe("the start error for a DATABASE_URL", () => {
  it.each([
    // Not a URL at all: a password with an unescaped '/', '@' or '#', a port that is no number.
    ["postgres://auth:pa/ss-w0rd-SECRET@db.internal:5432/auth", "is not a valid URL"],
    ["postgres://auth:p@ss-w0rd-SECRET@db.internal:port/auth", "is not a valid URL"],
    ["postgresql://auth:pa#ss-w0rd-SECRET@db.internal/auth", "is not a valid URL"],
    ["postgres://db.internal:port/auth?password=ss-w0rd-SECRET", "is not a valid URL"],
    // A URL with a mistake elsewhere: the password in either place stays out of the message.
    ["postgres://auth:ss-w0rd-SECRET@db.internal/auth?sslmode=maybe", "has sslmode=maybe"],
    ["postgres://auth@db.internal/auth?sslmode=maybe&password=ss-w0rd-SECRET", "has sslmode=maybe"],
  ])("%s: names DATABASE_URL and what is wrong, never the secret", (url, what) => {
    const problems = problemsFor(url);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`DATABASE_URL ${what}`);
    expect(problems[0], "ATTACK WORKED: the start error printed the database password").not.toMatch(/SECRET|w0rd|ss-w/);
  });
});

describe("pnpm backup on PostgreSQL", () => {
  const tsx = path.join(appDir, "node_modules", ".bin", "tsx");
  const backup = (url: string) => {
    const run = spawnSync(tsx, [path.join(appDir, "scripts", "backup.ts")], {
      cwd,
      env: serverEnv({ DATABASE_URL: url, AUTH_SECRET: SECRET }),
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };

  it("prints the pg_dump command without a ?password= parameter or the userinfo password", () => {
    const run = backup("postgres://auth:user-info-SECRET@db.internal:5432/auth?sslmode=verify-full&password=query-SECRET&application_name=authsvc");
    expect(run.status).not.toBe(0);
    expect(run.output).toContain("pg_dump --format=custom --file=");
    expect(run.output, "ATTACK WORKED: pnpm backup printed the database password").not.toContain("SECRET");
    // Still the command to run: the rest of the URL as given, the password left to PGPASSWORD or ~/.pgpass.
    expect(run.output).toContain("'postgres://auth@db.internal:5432/auth?sslmode=verify-full&application_name=authsvc'");
  });
});
