/**
 * Operations on PostgreSQL: the start refuses without AUTH_SECRET, the readiness probe follows
 * the migrations, `pnpm backup` points at pg_dump, and `pnpm admin:create` grants the role in
 * the shared database. PostgreSQL only: skipped with one line (said by the global setup) when
 * no server can be had. Build first: `pnpm --filter @authsvc/web build`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPgDatabase, pgTestServerUrl, type TestPgDatabase } from "@authsvc/pg-test-server";
import { appDir, freePort, serverEnv, serverFile, start, stop, waitForHealth, type Running } from "./support/server";

const AUTH_SECRET = "postgres-ops-e2e-secret-0123456789-abcdef";
const tsx = path.join(appDir, "node_modules", ".bin", "tsx");

/** Runs one of the operator's scripts as `pnpm <script>` does, with the given environment only. */
function script(name: "backup" | "admin-create", args: string[], env: Record<string, string>, cwd: string) {
  const run = spawnSync(tsx, [path.join(appDir, "scripts", `${name}.ts`), ...args], { cwd, env: serverEnv(env), encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(!pgTestServerUrl())("operations on PostgreSQL", () => {
  let database: TestPgDatabase | undefined;
  let db: pg.Client | undefined;
  let cwd: string;
  let base: string;
  let server: Running | undefined;

  beforeAll(async () => {
    if (!existsSync(serverFile)) throw new Error(`${serverFile} is missing: run \`pnpm --filter @authsvc/web build\` first`);
    database = await createTestPgDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    cwd = mkdtempSync(path.join(tmpdir(), "authsvc-pg-ops-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = start(cwd, { PORT: String(port), DATABASE_URL: database.url, AUTH_SECRET });
    await waitForHealth(base, server);
  }, 120_000);

  afterAll(async () => {
    await stop(server);
    await db?.end();
    await database?.drop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it("refuses to start without AUTH_SECRET, naming it", async () => {
    const refused = start(cwd, { PORT: String(await freePort()), DATABASE_URL: database!.url });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain("AUTH_SECRET must be set when DATABASE_URL is PostgreSQL");
  });

  it("GET /api/ready answers 200 once migrated, and 503 while the newest migration is missing", async () => {
    const ready = await fetch(`${base}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });

    // As if the code were newer than the database: the newest migration's record is gone.
    const { rows } = await db!.query<{ id: number; hash: string; created_at: string }>(
      "DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations) RETURNING id, hash, created_at",
    );
    try {
      const notReady = await fetch(`${base}/api/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: "not_ready" });
    } finally {
      await db!.query("INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES ($1, $2, $3)", [rows[0]!.id, rows[0]!.hash, rows[0]!.created_at]);
    }
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
  });

  it("pnpm backup names the pg_dump command, without the password, and fails", () => {
    const url = new URL(database!.url);
    url.username = "postgres";
    url.password = "not-for-the-terminal";
    const run = script("backup", [], { DATABASE_URL: url.href, AUTH_SECRET }, cwd);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain("pg_dump --format=custom --file=");
    url.password = "";
    expect(run.output).toContain(`'${url.href}'`);
    expect(run.output).not.toContain("not-for-the-terminal");
    expect(run.output).toContain("pg_restore");
  });

  it("pnpm admin:create grants the admin role in the shared database", async () => {
    const email = "first.admin@example.com";
    const register = await fetch(`${base}/api/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "correct horse battery staple" }),
    });
    expect(register.status).toBe(200);
    const { verificationId } = ((await register.json()) as { result: { data: { verificationId: string } } }).result.data;
    const outbox = (await (await fetch(`${base}/api/dev/outbox?to=${encodeURIComponent(email)}`)).json()) as { messages: { code: string }[] };
    const verified = await fetch(`${base}/api/trpc/auth.verifyRegistration`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ verificationId, code: outbox.messages[0]!.code }),
    });
    expect(verified.status).toBe(200);

    const granted = script("admin-create", [email], { DATABASE_URL: database!.url, AUTH_SECRET }, cwd);
    expect(granted.output).toMatch(/^user \d+ \(first\.admin@example\.com\) is now an admin/m);
    expect(granted.status).toBe(0);
    const { rows } = await db!.query<{ role: string }>("SELECT role FROM users WHERE email = $1", [email]);
    expect(rows).toEqual([{ role: "admin" }]);

    const unknown = script("admin-create", ["nobody@example.com"], { DATABASE_URL: database!.url, AUTH_SECRET }, cwd);
    expect(unknown.status).toBe(1);
    expect(unknown.output).toContain("no account matches nobody@example.com");
  });
});
