import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { randomInt } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toWire, type Wire } from "@authsvc/api/testing";
import { createSqliteDatabase } from "@authsvc/db";
import { createTestPgDatabase, pgTestServerUrl } from "@authsvc/pg-test-server";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { startBalancer } from "./balancer";
import { freePort } from "@authsvc/testing/ports";

// Starts the production bundle exactly as `pnpm start` runs it: one process, API on the fast path, Next for pages.
export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const serverFile = path.join(appDir, "dist", "server.mjs");

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export { freePort };

/** A clean environment: nothing from the developer's shell may change what is tested. */
export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", ...extra };
  for (const key of ["AUTH_SECRET", "DATABASE_URL", "DATABASE_POOL_SIZE", "FIREBASE_SERVICE_ACCOUNT", "AUTH_DEV_OUTBOX", "PUBLIC_URL", "AUTH_RP_ID", "AUTH_RP_ORIGINS", "TRUST_PROXY", "AUTH_EVENTS_WEBHOOK_URL", "AUTH_EVENTS_WEBHOOK_SECRET", "VITEST"]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

/** Throws, saying what to run, when the production bundle has not been built. */
export function requireBuild(): void {
  if (!existsSync(serverFile)) throw new Error(`${serverFile} is missing: run \`pnpm --filter @authsvc/web build\` (or \`pnpm build\`) first`);
}

export function start(cwd: string, extra: Record<string, string>): Running {
  requireBuild();
  const child = spawn(process.execPath, [serverFile], { cwd, env: serverEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => log, exited };
}

export async function waitForHealth(base: string, server: Running, timeoutMs = 60_000): Promise<Response> {
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode} before it was healthy:\n${server.output()}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${server.output()}`);
}

export async function stop(server: Running | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 12_000);
  await server.exited;
  clearTimeout(timer);
}

/**
 * The engines a production-server e2e file runs on: one server on SQLite, and two on one
 * PostgreSQL database behind a round-robin balancer (consecutive requests of a flow land on
 * different instances), which also covers what one PostgreSQL instance would. PostgreSQL is
 * skipped (the global setup says why) without a server.
 */
export const serverEngines = ["SQLite", "PostgreSQL, two instances"] as const;
/** Where one process is the subject (its shutdown, its own log): one server on each engine. */
export const oneServerEngines = ["SQLite", "PostgreSQL"] as const;
export type ServerEngine = (typeof serverEngines)[number] | (typeof oneServerEngines)[number];

/** How many production servers run on the engine's one database. */
export const instancesOf = (engine: ServerEngine): number => (engine === "PostgreSQL, two instances" ? 2 : 1);

/** True where the engine cannot run: PostgreSQL without a test server (the global setup said why). */
export const engineMissing = (engine: ServerEngine): boolean => engine !== "SQLite" && !pgTestServerUrl();

export interface Instance {
  base: string;
  port: number;
  /** Its working folder: the service's own, or one of its own when there are several. */
  dir: string;
  server: Running;
}

/** One service as clients see it: one address, however many instances answer there. */
export interface Service {
  /** The instance's address, or the balancer's in front of several. */
  base: string;
  instances: Instance[];
  /** Every instance's log, one after the other. */
  output(): string;
  /** Stops the balancer and every instance (not the database). */
  stop(): Promise<void>;
}

/**
 * PUBLIC_URL as the service's address; and, since a passkey's relying party must be a domain
 * (never an IP address), passkeys for the same service reached as localhost.
 */
const publicUrlEnv = (base: string) => ({
  PUBLIC_URL: base,
  AUTH_RP_ID: "localhost",
  AUTH_RP_ORIGINS: base.replace("//127.0.0.1:", "//localhost:"),
});

/**
 * `count` production servers on one database (`env` holds its DATABASE_URL), each on a free
 * port; with more than one, each runs in a folder of its own under `cwd` (nothing may be
 * shared through the disk) behind a round-robin balancer. With `publicUrl`, PUBLIC_URL is the
 * service's address. Resolves once all are healthy.
 */
export async function launchService(cwd: string, env: Record<string, string>, count = 1, options: { publicUrl?: boolean } = {}): Promise<Service> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const bases = ports.map((port) => `http://127.0.0.1:${port}`);
  const balancer = count === 1 ? undefined : await startBalancer(bases);
  const base = balancer?.base ?? bases[0]!;
  const instances = ports.map((port, i): Instance => {
    const dir = count === 1 ? cwd : mkdtempSync(path.join(cwd, `instance-${i + 1}-`));
    const server = start(dir, { ...env, ...(options.publicUrl ? publicUrlEnv(base) : {}), PORT: String(port) });
    return { base: bases[i]!, port, dir, server };
  });
  const stopAll = async () => {
    await balancer?.close();
    await Promise.all(instances.map((i) => stop(i.server)));
  };
  try {
    // Started together on an empty database: each migrates, one waits for the other.
    await Promise.all(instances.map((i) => waitForHealth(i.base, i.server, count === 1 ? 60_000 : 120_000)));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { base, instances, output: () => instances.map((i) => i.server.output()).join(""), stop: stopAll };
}

export interface ServerDatabase {
  /** What to add to the server's environment: DATABASE_URL, and AUTH_SECRET where the engine needs it. */
  env: Record<string, string>;
  /**
   * Rows the server wrote, read on either engine: one SQL text with `?` placeholders and the
   * schemas' snake_case names; each call opens and closes its own connection.
   */
  rows(query: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** The rows of one query in a SQLite file, opened without migrating (the server did that). */
async function sqliteRows(file: string, query: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const db = createSqliteDatabase(`file:${file}`, { migrate: false }).$client;
  try {
    return db.prepare(query).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

async function pgRows(url: string, query: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let n = 0;
    // `?` to `$1`, `$2`, ... outside quoted strings and names.
    const text = query.replace(/'[^']*'|"[^"]*"|\?/g, (m) => (m === "?" ? `$${++n}` : m));
    return (await client.query(text, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** Set on PostgreSQL, where a generated secret is refused (each instance would make its own). */
const PG_AUTH_SECRET = "e2e-postgres-auth-secret-0123456789-abcdef";

/** The database a service's environment names (a `file:` URL, else PostgreSQL), to read; `drop` drops nothing. */
export function databaseOf(env: Record<string, string>): ServerDatabase {
  const url = env.DATABASE_URL!;
  const file = url.startsWith("file:") ? url.slice("file:".length) : undefined;
  return {
    env,
    rows: (query, ...params) => (file ? sqliteRows(file, query, params) : pgRows(url, query, params)),
    drop: async () => {},
  };
}

/**
 * A fresh, empty database for one service: a SQLite file in `dir` (AUTH_SECRET left to the
 * caller), or a PostgreSQL database of its own on the test server (or `pgServerUrl`, outside
 * vitest), dropped afterwards, that the service migrates.
 */
export async function serverDatabase(engine: ServerEngine, dir: string, pgServerUrl?: string): Promise<ServerDatabase> {
  if (engine === "SQLite") return databaseOf({ DATABASE_URL: `file:${path.join(dir, "auth.db")}` });
  const database = await createTestPgDatabase({ serverUrl: pgServerUrl });
  return { ...databaseOf({ DATABASE_URL: database.url, AUTH_SECRET: PG_AUTH_SECRET }), drop: () => database.drop() };
}

/** An answer as the e2e tests read it: the status, headers and text, and the body when it is JSON. */
export type Answer = Wire;

/** One request to a running server; `body` is sent as JSON. Redirects are answers, not followed. */
export async function request(base: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  return toWire(res);
}

/** A JSON client's request (Accept: application/json), with a bearer token when given. */
export const callAs = (base: string, method: string, route: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<Answer> =>
  request(base, method, route, body, { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });

/** The newest code of `purpose` sent to `to`, read from the service's dev outbox as the machine itself. */
export async function outboxCode(base: string, to: string, purpose: string): Promise<string> {
  const res = await request(base, "GET", `/api/dev/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status, res.text).toBe(200);
  const code = (res.body.messages as { purpose: string; code: string | null }[]).find((m) => m.purpose === purpose)?.code;
  expect(code, `a ${purpose} code for ${to}`).toMatch(/^\d{6}$/);
  return code!;
}

/** What a test sees of a service: its address, its instances' addresses and folders, its log. */
export interface ServiceView {
  base: string;
  instances: Pick<Instance, "base" | "port" | "dir">[];
  /** Every instance's log, one after the other (for a shared service, what it wrote since the block began). */
  output(): string;
}

/** The service a `describe.each(serverEngines)` block runs against, once its `beforeAll` has run. */
export interface BlockService<S extends ServiceView = Service> {
  service(): S;
  database(): ServerDatabase;
}

/** True, after one skipped test saying why, where the engine cannot run. */
function skippedHere(engine: ServerEngine): boolean {
  if (!engineMissing(engine)) return false;
  it.skip("PostgreSQL: no server (the global setup said why)", () => {});
  return true;
}

/**
 * For the body of a `describe.each(serverEngines)` block: a service of its own on a fresh
 * database (`instancesOf(engine)` instances, `env` added to the database's; a function is read
 * when the block starts, after the block's earlier `beforeAll`s), started before the block's
 * tests and stopped, dropped and cleaned up after them. With `defaultData`, SQLite gets no
 * DATABASE_URL: the service keeps its data where it would by default (`./data`). Where the
 * engine cannot run, one skipped test says why and the result is undefined: the block returns.
 */
export function serviceForBlock(
  engine: ServerEngine,
  name: string,
  env: Record<string, string> | (() => Record<string, string>) = {},
  options: { defaultData?: boolean } = {},
): BlockService | undefined {
  if (skippedHere(engine)) return undefined;
  let service: Service | undefined;
  let database: ServerDatabase | undefined;
  let cwd = "";
  beforeAll(async () => {
    cwd = mkdtempSync(path.join(tmpdir(), `authsvc-${name}-e2e-`));
    const defaults = engine === "SQLite" && options.defaultData;
    database = defaults ? { ...databaseOf({ DATABASE_URL: `file:${path.join(cwd, "data", "auth.db")}` }), env: {} } : await serverDatabase(engine, cwd);
    service = await launchService(cwd, { ...database.env, ...(typeof env === "function" ? env() : env) }, instancesOf(engine));
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });
  return { service: () => service!, database: () => database! };
}

/** A shared service as the global setup (shared-services.ts) describes it to a test file. */
export interface SharedServiceInfo {
  base: string;
  instances: { base: string; port: number; dir: string; log: string }[];
  env: Record<string, string>;
}

/**
 * For the body of a `describe.each(serverEngines)` block that only calls the service: the
 * run's one service on this engine with this `env`, started by the global setup
 * (shared-services.ts) for the first block that asks and kept for every file that asks the
 * same, so its tests must use identifiers and client addresses of their own (unique*
 * below). Its output() is the log written since the block began.
 */
export function sharedServiceForBlock(engine: ServerEngine, env: Record<string, string> = {}): BlockService<ServiceView> | undefined {
  if (skippedHere(engine)) return undefined;
  let view: ServiceView | undefined;
  let database: ServerDatabase | undefined;
  beforeAll(async () => {
    const res = await fetch(inject("e2eServices"), { method: "POST", body: JSON.stringify({ engine, env, pgServerUrl: pgTestServerUrl() }) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`the shared ${engine} service did not start: ${text}`);
    const shared = JSON.parse(text) as SharedServiceInfo;
    const from = shared.instances.map((i) => statSync(i.log).size);
    view = {
      base: shared.base,
      instances: shared.instances,
      output: () => shared.instances.map((i, n) => readFileSync(i.log).subarray(from[n]).toString()).join(""),
    };
    database = databaseOf(shared.env);
  });
  return { service: () => view!, database: () => database! };
}

let made = 0;
/** A tag no other test of the run uses (a shared service's tests share its database). */
export const uniqueTag = (): string => `${process.pid.toString(36)}${Date.now().toString(36)}${(made++).toString(36)}`;
/** An Indonesian mobile number, E.164, that no other test of the run uses. */
export const uniquePhone = (): string =>
  `+62812${String(process.pid % 100).padStart(2, "0")}${String(made++ % 100).padStart(2, "0")}${String(randomInt(10_000)).padStart(4, "0")}`;
/** A client address (TEST-NET benchmark range) that no other test of the run uses. */
export const uniqueAddress = (): string => `198.${18 + (process.pid % 2)}.${(process.pid >> 1) % 256}.${(made++ % 254) + 1}`;
