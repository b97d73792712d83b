/**
 * Holes 8 (proxy part) and 9 against the production bundle: TRUST_PROXY names the proxies,
 * the files the server creates are private, and the purge runs at start without failing.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  engineMissing,
  freePort,
  instancesOf,
  launchService,
  serverDatabase,
  serverEngines,
  serverFile,
  start,
  stop,
  type Running,
  type ServerDatabase,
  type ServerEngine,
  type Service,
} from "./support/server";

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

let previousUmask: number;
beforeAll(() => {
  if (!existsSync(serverFile)) throw new Error(`${serverFile} is missing: run \`pnpm --filter @authsvc/web build\` first`);
  // The child inherits it: the usual default, under which files come out 0644 unless we say otherwise.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
});

const dirs: string[] = [];
const databases: ServerDatabase[] = [];
let server: Running | undefined;
let service: Service | undefined;
afterEach(async () => {
  await stop(server);
  await service?.stop();
  server = service = undefined;
  for (const d of databases.splice(0)) await d.drop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The service in a fresh folder: one server on its default database (./data/auth.db), or the instances of `engine` on a fresh one. */
async function serve(extra: Record<string, string>, engine?: ServerEngine) {
  const cwd = mkdtempSync(path.join(tmpdir(), "authsvc-rest-secrets-"));
  dirs.push(cwd);
  const database = engine ? await serverDatabase(engine, cwd) : undefined;
  if (database) databases.push(database);
  service = await launchService(cwd, { ...database?.env, ...extra }, engine ? instancesOf(engine) : 1);
  return { cwd, base: service.base, service, database };
}

/** A code request from this test (peer 127.0.0.1) claiming to be 1.2.3.4, with its own request id. */
async function spoofedCodeRequest(base: string) {
  const res = await fetch(`${base}/api/trpc/auth.requestPhoneCode`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "1.2.3.4", "x-request-id": "chosen-by-client" },
    body: JSON.stringify({ phone: "081234567890" }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.get("x-request-id");
}

async function auditIps(database: ServerDatabase): Promise<string[]> {
  return (await database.rows("SELECT DISTINCT ip FROM audit_events")).map((r) => r.ip as string);
}

describe.each(serverEngines)("TRUST_PROXY on the production server on %s", (engine) => {
  if (engineMissing(engine)) {
    it.skip("PostgreSQL: no server (the global setup said why)", () => {});
    return;
  }

  it("a peer that is not a named proxy is taken at its own address; its X-Request-Id is not kept", async () => {
    const { base, database } = await serve({ TRUST_PROXY: "192.0.2.1" }, engine);
    expect(await spoofedCodeRequest(base)).not.toBe("chosen-by-client");
    expect(await auditIps(database!)).toEqual(["127.0.0.1"]);
  });

  it("a named proxy's forwarded address and request id are taken", async () => {
    const { base, database } = await serve({ TRUST_PROXY: "loopback" }, engine);
    expect(await spoofedCodeRequest(base)).toBe("chosen-by-client");
    expect(await auditIps(database!)).toEqual(["1.2.3.4"]);
  });
});

describe("TRUST_PROXY on the production server", () => {
  it("TRUST_PROXY=1 is refused at start with a message naming it", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "authsvc-rest-secrets-"));
    dirs.push(cwd);
    server = start(cwd, { PORT: String(await freePort()), TRUST_PROXY: "1" });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("Invalid environment: TRUST_PROXY no longer accepts 1");
  });
});

// The files are SQLite's: on PostgreSQL there is no data folder and no generated secret.
describe("files and the purge on the production server on SQLite", () => {
  it("creates its data folder 0700 and the database, WAL, shared memory and secret 0600; the purge runs", async () => {
    const { cwd, base, service: running } = await serve({});
    await spoofedCodeRequest(base); // something written
    const data = path.join(cwd, "data");
    expect(mode(data)).toBe("700");
    for (const f of ["auth.db", "auth.db-wal", "auth.db-shm", "auth-secret"]) expect(mode(path.join(data, f)), f).toBe("600");
    expect(running.output()).not.toContain("purge failed");
  });
});
