/**
 * Issue 10 against the production bundle (dist/server.mjs), as `pnpm start` runs it:
 * - hole 1: with default settings the server listens on 127.0.0.1 only, and the dev outbox
 *   (JSON, page, family 001's verificationCode) answers only requests from the machine
 *   itself, not one relayed by a proxy, nor one from another address;
 * - hole 10: a signed-in visitor is never redirected off-site by `?next=`;
 * - security headers on pages, REST, tRPC and the fast `user.me` answer; HSTS and the
 *   `__Host-` cookie over HTTPS (through a trusted proxy).
 *
 * Each service runs once per engine on a fresh database (PostgreSQL is skipped, saying why,
 * without a server), the last time as two instances behind a balancer. Build first: `pnpm --filter @authsvc/web build`.
 */
import { request } from "node:http";
import { networkInterfaces } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { serverEngines, serviceForBlock } from "./support/server";

const PASSWORD = "correct horse battery staple";
const PHONE = "+6281990333364";

/** An address of this machine that is not loopback, if it has one (a request from it has a non-loopback peer). */
const outerAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

/** A request with exactly the headers given (fetch would refuse to set Host), no redirects followed. */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        resolve({ status: res.statusCode ?? 0, headers, text });
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

/** Signs up by email with the web cookie; returns the Set-Cookie line. */
async function cookieSignIn(base: string, email: string, headers: Record<string, string> = {}): Promise<string> {
  const reg = await postJson(`${base}/api/trpc/auth.register`, { email, password: PASSWORD }, headers);
  expect(reg.status, reg.text).toBe(200);
  const verificationId = JSON.parse(reg.text).result.data.verificationId as string;
  const box = await raw(`${base}/api/dev/outbox?to=${encodeURIComponent(email)}`);
  const code = JSON.parse(box.text).messages[0].code as string;
  const ver = await postJson(`${base}/api/trpc/auth.verifyRegistration`, { verificationId, code, delivery: "cookie" }, headers);
  expect(ver.status, ver.text).toBe(200);
  const line = ver.headers.getSetCookie()[0];
  expect(line).toBeDefined();
  return line!;
}

const cookiePair = (line: string) => line.split(";")[0]!;

function expectApiHeaders(res: Raw, label: string, hsts = false): void {
  expect(res.headers.get("content-security-policy"), label).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(res.headers.get("x-frame-options"), label).toBe("DENY");
  expect(res.headers.get("x-content-type-options"), label).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), label).toBe("no-referrer");
  if (hsts) expect(res.headers.get("strict-transport-security"), label).toMatch(/^max-age=\d+/);
  else expect(res.headers.get("strict-transport-security"), label).toBeNull();
}

/** A page's policy carries a fresh nonce, and every script and style Next wrote carries it. */
function expectPageHeaders(res: Raw, label: string, hsts = false): string {
  const csp = res.headers.get("content-security-policy") ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce, `${label}: ${csp}`).toBeDefined();
  expect(csp, label).toMatch(/frame-ancestors 'none'/);
  expect(csp, label).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(res.headers.get("x-frame-options"), label).toBe("DENY");
  expect(res.headers.get("x-content-type-options"), label).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), label).toBe("strict-origin-when-cross-origin");
  if (hsts) expect(res.headers.get("strict-transport-security"), label).toMatch(/^max-age=\d+/);
  else expect(res.headers.get("strict-transport-security"), label).toBeNull();
  if (res.headers.get("content-type")?.includes("text/html")) {
    const tags = res.text.match(/<(script|style)\b[^>]*>/g) ?? [];
    expect(tags.length, label).toBeGreaterThan(0);
    for (const tag of tags) expect(tag, label).toContain(`nonce="${nonce}"`);
  }
  return nonce!;
}

describe.each(serverEngines)("production server with default settings (no transport, no HOST, no AUTH_DEV_OUTBOX) on %s", (engine) => {
  let base: string;
  // HOST empty counts as unset: the default is what is exercised.
  const block = serviceForBlock(engine, "edge", { HOST: "" });
  if (!block) return;
  const service = () => block.service();
  beforeAll(() => {
    base = service().base;
  });

  it("listens on 127.0.0.1 only, and warns at start that the outbox is on for this machine", async () => {
    for (const { port, server } of service().instances) {
      expect(server.output()).toContain(`authsvc listening on http://127.0.0.1:${port}`);
      const warning = server.output().split("\n").find((l) => l.includes("DEV OUTBOX IS ON"));
      expect(warning).toBeDefined();
      expect(JSON.parse(warning!)).toMatchObject({ level: "warn", devOutbox: "local" });
      expect(warning).toContain("AUTH_DEV_OUTBOX=0");
      if (outerAddress) {
        await expect(raw(`http://${outerAddress}:${port}/api/dev/outbox`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
      }
    }
  });

  it("family 001: the code is in the answer for this machine, and not for a request relayed by a proxy (X-Forwarded-For)", async () => {
    const signUp = await postJson(`${base}/user/sign-up`, { name: "Syntia", email: "syntia@gmail.com", phoneNumber: PHONE, birthDate: "2020-03-28" });
    expect(signUp.status, signUp.text).toBe(200);
    const relayed = await postJson(`${base}/verify-phone`, { phoneNumber: PHONE }, { "x-forwarded-for": "198.51.100.7" });
    expect(relayed.status, relayed.text).toBe(200);
    expect(JSON.parse(relayed.text).content).toEqual({ expiresIn: expect.any(Number) });
    expect(relayed.text).not.toContain("verificationCode");

    // The code was sent all the same; the machine itself reads it.
    const box = await raw(`${base}/api/dev/outbox?to=${encodeURIComponent(PHONE)}`);
    expect(box.status).toBe(200);
    expect(JSON.parse(box.text).messages[0].code).toMatch(/^\d{6}$/);
  });

  it("the outbox JSON and page answer this machine, and refuse a request that carries X-Forwarded-For or Forwarded, or a foreign Host", async () => {
    expect((await raw(`${base}/api/dev/outbox`)).status).toBe(200);
    expect((await raw(`${base}/dev/outbox`)).status).toBe(200);
    const refused: Record<string, string>[] = [{ "x-forwarded-for": "198.51.100.7" }, { forwarded: "for=198.51.100.7;proto=https" }, { host: "rebound.evil.example" }];
    for (const headers of refused) {
      const label = JSON.stringify(headers);
      const json = await raw(`${base}/api/dev/outbox`, { headers });
      expect(json.status, label).toBe(404);
      expect(json.text, label).not.toMatch(/\d{6}/);
      const page = await raw(`${base}/dev/outbox`, { headers });
      expect(page.status, label).toBe(404);
      const home = await raw(`${base}/`, { headers });
      expect(home.text, `${label}: the home page links no outbox`).not.toContain('href="/dev/outbox"');
    }
    expect((await raw(`${base}/`)).text).toContain('href="/dev/outbox"');
  });

  it("a signed-in visitor sent to /login?next=%2F%09%2Fevil.example stays on the site (hole 10)", async () => {
    const cookie = cookiePair(await cookieSignIn(base, "redirect@example.com"));
    for (const next of ["%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%0A%2Fevil.example"]) {
      const res = await raw(`${base}/login?next=${next}`, { headers: { cookie } });
      expect(res.status, `${next}: ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(300);
      expect(res.status, next).toBeLessThan(400);
      const location = res.headers.get("location") ?? "";
      // What a browser does with the Location: tabs and newlines dropped, then resolved against the page.
      expect(new URL(location, `${base}/login`).origin, `${next} -> ${JSON.stringify(location)}`).toBe(base);
    }
    const kept = await raw(`${base}/login?next=${encodeURIComponent("/account?tab=pin")}`, { headers: { cookie } });
    expect(kept.headers.get("location")).toBe("/account?tab=pin");
  });

  it("puts the security headers on pages, REST, tRPC and the fast user.me answer (no HSTS over http, even if a client claims https)", async () => {
    const home = await raw(`${base}/`);
    expect(home.status).toBe(200);
    const first = expectPageHeaders(home, "GET /");
    expect(expectPageHeaders(await raw(`${base}/`), "GET / again"), "a fresh nonce per page").not.toBe(first);
    expectPageHeaders(await raw(`${base}/login`), "GET /login");
    expectPageHeaders(await raw(`${base}/no-such-page`), "a 404 page");
    expectPageHeaders(await raw(`${base}/`, { headers: { "x-forwarded-proto": "https" } }), "spoofed https");

    expectApiHeaders(await postJson(`${base}/verify-phone`, { phoneNumber: "nope" }), "REST 400");
    expectApiHeaders(await postJson(`${base}/auth/login`, { email: "nobody@example.com", password: "wrong password" }), "REST 401");
    expectApiHeaders(await raw(`${base}/api/health`), "health");
    expectApiHeaders(await raw(`${base}/api/dev/outbox`), "outbox");
    expectApiHeaders(await postJson(`${base}/api/trpc/auth.register`, { email: 1 }), "tRPC 400");
    expectApiHeaders(await raw(`${base}/api/trpc/user.me`), "tRPC user.me 401");

    const cookie = cookiePair(await cookieSignIn(base, "headers@example.com"));
    const fast = await raw(`${base}/api/trpc/user.me`, { headers: { cookie } });
    expect(fast.status, fast.text).toBe(200);
    expectApiHeaders(fast, "fast user.me");
    expectApiHeaders(await raw(`${base}/api/trpc/user.me`, { headers: { cookie, "x-forwarded-proto": "https" } }), "fast user.me, spoofed https");
    expectApiHeaders(await raw(`${base}/api/trpc/session.list?via=adapter`, { headers: { cookie } }), "tRPC adapter query");
  });
});

describe.each(serverEngines)("production server listening on every address, behind a trusted proxy on %s", (engine) => {
  let base: string;
  const viaTlsProxy = { "x-forwarded-proto": "https" };
  // The outbox stays `local` (no transport): listening widely must not widen who reads codes.
  const block = serviceForBlock(engine, "edge", { HOST: "0.0.0.0", TRUST_PROXY: "loopback" });
  if (!block) return;
  const service = () => block.service();
  beforeAll(() => {
    base = service().base;
  });

  it.skipIf(!outerAddress)("a request from another address gets no outbox, no page and no verificationCode", async () => {
    // Straight to an instance from outside, as a client that bypasses the proxy would.
    const outer = `http://${outerAddress}:${service().instances[0]!.port}`;
    expect((await raw(`${outer}/api/dev/outbox`)).status).toBe(404);
    expect((await raw(`${outer}/dev/outbox`)).status).toBe(404);
    const signUp = await postJson(`${outer}/user/sign-up`, { name: "Syntia", email: "syntia@gmail.com", phoneNumber: PHONE, birthDate: "2020-03-28" });
    expect(signUp.status, signUp.text).toBe(200);
    const sent = await postJson(`${outer}/verify-phone`, { phoneNumber: PHONE });
    expect(sent.status).toBe(200);
    expect(sent.text).not.toContain("verificationCode");
    for (const { base: own } of service().instances) expect((await raw(`${own}/api/dev/outbox`)).status, "the machine itself still reads it").toBe(200);
  });

  it("over https (the trusted proxy says so): HSTS on pages and API answers, and the session cookie is __Host-", async () => {
    expectPageHeaders(await raw(`${base}/`, { headers: viaTlsProxy }), "page over https", true);
    expectApiHeaders(await raw(`${base}/api/health`, { headers: viaTlsProxy }), "health over https", true);

    const line = await cookieSignIn(base, "tls@example.com", viaTlsProxy);
    expect(line).toMatch(/^__Host-authsvc_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    const token = line.slice("__Host-authsvc_session=".length).split(";")[0]!;

    const fast = await raw(`${base}/api/trpc/user.me`, { headers: { ...viaTlsProxy, cookie: `__Host-authsvc_session=${token}` } });
    expect(fast.status, fast.text).toBe(200);
    expectApiHeaders(fast, "fast user.me over https", true);
    const account = await raw(`${base}/account`, { headers: { ...viaTlsProxy, cookie: `__Host-authsvc_session=${token}` } });
    expect(account.status, "the page reads the __Host- cookie").toBe(200);

    // A cookie tossed from a sibling subdomain under the plain name counts for nothing over https.
    const tossed = `authsvc_session=${token}`;
    expect((await raw(`${base}/api/trpc/user.me`, { headers: { ...viaTlsProxy, cookie: tossed } })).status).toBe(401);
    const page = await raw(`${base}/account`, { headers: { ...viaTlsProxy, cookie: tossed } });
    expect(page.status).toBeGreaterThanOrEqual(300);
    expect(page.headers.get("location")).toMatch(/^\/login\?next=/);
  });
});
