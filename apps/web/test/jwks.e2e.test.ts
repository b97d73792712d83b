/**
 * Tokens other services can check without our secret: the production server with
 * AUTH_TOKEN_ALG=ES256, on SQLite and on two PostgreSQL instances. A verifier holding only
 * `/.well-known/jwks.json` (jose's createRemoteJWKSet) checks an access token; `pnpm
 * keys:rotate`, run beside the running service, publishes a new key that every instance
 * picks up, old tokens keep verifying, and new ones carry the new kid.
 *
 * Build first: `pnpm --filter @authsvc/web build`.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { KEY_REFRESH_MS } from "@authsvc/core";
import { callAs, outboxCode, serverEngines, serviceForBlock, appDir, type Instance } from "./support/server";

const AUTH_SECRET = "jwks-e2e-auth-secret-0123456789-abcdefgh";
const PASSWORD = "correct horse battery staple";
/** Short, so the test sees the new key sign; the default waits for every verifier's cache. */
const ACTIVATE_IN_SEC = 12;

let serial = 0;

/** A verified account's access token, signed in through `instance`. */
async function accessToken(instance: Pick<Instance, "base">): Promise<string> {
  const email = `jwks-${++serial}-${Date.now()}@example.com`;
  const reg = await callAs(instance.base, "POST", "/api/trpc/auth.register", { email, password: PASSWORD });
  expect(reg.status, reg.text).toBe(200);
  const code = await outboxCode(instance.base, email, "signup");
  const done = await callAs(instance.base, "POST", "/api/trpc/auth.verifyRegistration", { verificationId: reg.body.result.data.verificationId, code });
  expect(done.status, done.text).toBe(200);
  return String(done.body.result.data.accessToken);
}

/** `pnpm keys:*` as an operator runs it, on the service's database. */
function keysCommand(env: Record<string, string>, ...args: string[]): string {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(appDir, "scripts", "keys.ts"), ...args], {
    cwd: appDir,
    env: { ...process.env, ...env, AUTH_SECRET },
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** What another service does: it knows only where our keys are published. */
function verifier(base: string) {
  const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
  return (token: string) => jwtVerify(token, jwks, { issuer: "authsvc", audience: "authsvc", typ: "at+jwt", algorithms: ["ES256"] });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(serverEngines)("published signing keys (%s)", (engine) => {
  const block = serviceForBlock(engine, "jwks", { AUTH_SECRET, AUTH_TOKEN_ALG: "ES256" });
  if (!block) return;

  it("publishes one key per algorithm (instances started together agree), public halves only, readable from any page", async () => {
    const res = await fetch(`${block.service().base}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    for (const k of keys) {
      expect(k).toMatchObject({ use: "sig", kid: expect.any(String) });
      expect(k).not.toHaveProperty("d");
    }
  });

  it("an access token verifies with the published set alone, on every instance", async () => {
    const service = block.service();
    for (const instance of service.instances) {
      const token = await accessToken(instance);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", typ: "at+jwt" });
      const { payload } = await verifier(service.base)(token);
      expect(payload.sub).toMatch(/^\d+$/);
      // Every instance accepts every instance's tokens.
      for (const other of service.instances) expect((await callAs(other.base, "GET", "/api/trpc/user.me", undefined, token)).status).toBe(200);
    }
  });

  it("after keys:rotate, old tokens still verify and new ones carry the new kid on every instance", async () => {
    const service = block.service();
    const before = await accessToken(service.instances[0]!);
    const oldKid = decodeProtectedHeader(before).kid;
    const said = keysCommand(block.database().env, "rotate", "--activate-in", String(ACTIVATE_IN_SEC));
    const newKid = /new ES256 key (\S+):/.exec(said)?.[1];
    expect(newKid, said).toBeTruthy();
    expect(newKid).not.toBe(oldKid);

    // Published by every instance within its refresh interval; not signing until its activation.
    for (const instance of service.instances) {
      const deadline = Date.now() + KEY_REFRESH_MS + 2_000;
      let kids: string[] = [];
      while (!kids.includes(newKid!) && Date.now() < deadline) {
        kids = ((await (await fetch(`${instance.base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
        if (!kids.includes(newKid!)) await sleep(250);
      }
      expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
    }
    expect(decodeProtectedHeader(await accessToken(service.instances.at(-1)!)).kid).toBe(oldKid);

    await sleep(ACTIVATE_IN_SEC * 1000 + 500);
    const verify = verifier(service.base);
    await verify(before);
    for (const instance of service.instances) {
      const after = await accessToken(instance);
      expect(decodeProtectedHeader(after).kid).toBe(newKid);
      await verify(after);
      for (const other of service.instances) expect((await callAs(other.base, "GET", "/api/trpc/user.me", undefined, after)).status).toBe(200);
    }
    for (const other of service.instances) expect((await callAs(other.base, "GET", "/api/trpc/user.me", undefined, before)).status).toBe(200);

    // The replaced key may still have live tokens: retire keeps it.
    expect(keysCommand(block.database().env, "retire")).toMatch(/no key to retire/);
    expect(keysCommand(block.database().env, "list")).toContain(oldKid!);
  }, 60_000);
});
