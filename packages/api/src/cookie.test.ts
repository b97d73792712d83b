import { describe, expect, it } from "vitest";
import { callerForHeaders, compileTrustProxy, createApiContext, createCaller, SESSION_COOKIE, trustNobody } from "./index";
import { cookieValue, deviceCookies, expectWireError, META, PASSWORD, setCookies, setup, type Harness } from "./test/harness";

/** The value of a `__Host-authsvc_session` Set-Cookie line. */
function secureCookieValue(line: string): string {
  const m = /^__Host-authsvc_session=([^;]*)/.exec(line);
  expect(m, line).not.toBeNull();
  return decodeURIComponent(m![1]!);
}

const COOKIE_LINE = /^authsvc_session=[A-Za-z0-9_%-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/;
/** The known-device cookie a web sign-in sets beside the session's (issue 19): a year. */
const DEVICE_LINE = /^authsvc_device=d1\.\d+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=31536000$/;

/** Signs in over HTTP with delivery "cookie"; returns the response and the cookie's value. */
async function cookieLogin(h: Harness, base?: string) {
  await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
  const res = await h.mutate("auth.loginWithPassword", { identifier: "ana", password: PASSWORD, delivery: "cookie" }, { base });
  expect(res.status, res.text).toBe(200);
  const lines = setCookies(res);
  expect(lines).toHaveLength(1);
  return { res, line: lines[0]!, cookie: cookieValue(lines[0]!) };
}

describe("cookie delivery", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie (no Secure over http) and keeps the token out of the body", async () => {
    const h = setup();
    const { res, line, cookie } = await cookieLogin(h);
    expect(SESSION_COOKIE).toBe("authsvc_session");
    expect(line).toMatch(COOKIE_LINE);
    expect(line).not.toMatch(/Secure/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(line)![1]);
    expect(maxAge).toBeGreaterThan(29 * 24 * 3600);
    expect(maxAge).toBeLessThanOrEqual(30 * 24 * 3600);

    expect(deviceCookies(res)).toEqual([expect.stringMatching(DEVICE_LINE)]);
    const data = res.body.result.data;
    expect(data.accessToken).toBeNull();
    expect(data.tokenType).toBe("cookie");
    expect(res.text).not.toContain(cookie);
    expect(data.user.username).toBe("ana");
  });

  it("over https, names the cookie __Host-authsvc_session: Secure, Path=/, no Domain (issue 10)", async () => {
    const h = setup();
    const { res, line } = await cookieLogin(h, "https://localhost");
    expect(line).toMatch(/^__Host-authsvc_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    expect(line).not.toMatch(/Domain=/i);
    expect(deviceCookies(res)).toEqual([expect.stringMatching(/^__Host-authsvc_device=d1\.[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=31536000; Secure$/)]);
  });

  it("over https, only the __Host- cookie counts: a cookie tossed by a sibling subdomain signs nobody in (issue 10)", async () => {
    const h = setup();
    const { line } = await cookieLogin(h, "https://localhost");
    const token = secureCookieValue(line);
    // A sibling (evil.example.com) can set `authsvc_session` for .example.com, e.g. the attacker's own session.
    const tossed = await h.query("user.me", undefined, { base: "https://localhost", headers: { cookie: `authsvc_session=${encodeURIComponent(token)}` } });
    expectWireError(tossed, 401, "UNAUTHORIZED");
    const fast = await h.handler.fastQuery({
      method: "GET",
      pathname: "/api/trpc/user.me",
      hasQuery: false,
      headers: new Headers({ cookie: `authsvc_session=${encodeURIComponent(token)}` }),
      overTls: true,
    });
    expect(fast).toBeUndefined(); // not answered by the fast path: the adapter answers 401

    const own = await h.query("user.me", undefined, { base: "https://localhost", headers: { cookie: `__Host-authsvc_session=${encodeURIComponent(token)}` } });
    expect(own.status, own.text).toBe(200);
    const fastOwn = await h.handler.fastQuery({
      method: "GET",
      pathname: "/api/trpc/user.me",
      hasQuery: false,
      headers: new Headers({ cookie: `__Host-authsvc_session=${encodeURIComponent(token)}` }),
      overTls: true,
    });
    expect(JSON.parse(fastOwn!.body).result.data.email).toBe("ana@example.com");
    // Both sent (the tossed one first, as a broader path or older cookie would be): ours wins.
    const both = await h.query("user.me", undefined, {
      base: "https://localhost",
      headers: { cookie: `authsvc_session=forged; __Host-authsvc_session=${encodeURIComponent(token)}` },
    });
    expect(both.status, both.text).toBe(200);

    // Over plain http the __Host- name means nothing (browsers send it only over https).
    const plain = await h.query("user.me", undefined, { headers: { cookie: `__Host-authsvc_session=${encodeURIComponent(token)}` } });
    expectWireError(plain, 401, "UNAUTHORIZED");
  });

  it("over https, logout clears the __Host- cookie", async () => {
    const h = setup();
    const { line } = await cookieLogin(h, "https://localhost");
    const token = secureCookieValue(line);
    const res = await h.mutate("auth.logout", undefined, {
      base: "https://localhost",
      headers: { cookie: `__Host-authsvc_session=${encodeURIComponent(token)}`, "sec-fetch-site": "same-origin" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-authsvc_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Secure$/);
  });

  it("in process (server-rendered pages), the caller reads the cookie the connection allows", async () => {
    const h = setup();
    const { line } = await cookieLogin(h, "https://localhost");
    const token = encodeURIComponent(secureCookieValue(line));
    const me = (cookie: string, secure: boolean) => callerForHeaders(h.auth, new Headers({ cookie }), { secure }).user.me();
    await expect(me(`__Host-authsvc_session=${token}`, true)).resolves.toMatchObject({ email: "ana@example.com" });
    await expect(me(`authsvc_session=${token}`, true)).rejects.toThrow();
    await expect(me(`authsvc_session=${token}`, false)).resolves.toMatchObject({ email: "ana@example.com" });
    await expect(me(`__Host-authsvc_session=${token}`, false)).rejects.toThrow();
  });

  it("believes X-Forwarded-Proto only behind a trusted proxy", async () => {
    const trusted = setup({ handler: { trustProxy: compileTrustProxy(["loopback"]) } });
    await trusted.registerAndVerify({ email: "ana@example.com" });
    const viaProxy = await trusted.mutate(
      "auth.loginWithPassword",
      { identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" },
      { headers: { "x-forwarded-proto": "https" } },
    );
    expect(viaProxy.headers.get("set-cookie")).toMatch(/^__Host-authsvc_session=.*; Secure$/);

    const direct = setup({ handler: { trustProxy: trustNobody } });
    await direct.registerAndVerify({ email: "ana@example.com" });
    const spoofed = await direct.mutate(
      "auth.loginWithPassword",
      { identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" },
      { headers: { "x-forwarded-proto": "https" } },
    );
    expect(spoofed.headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("the cookie alone signs user.me in", async () => {
    const h = setup();
    const { cookie } = await cookieLogin(h);
    const me = await h.query("user.me", undefined, { cookie });
    expect(me.status, me.text).toBe(200);
    expect(me.body.result.data).toMatchObject({ email: "ana@example.com", username: "ana" });
    expect(me.body.result.data.accountNumber).toMatch(/^\d{10}$/);
    const list = await h.query("session.list", undefined, { cookie });
    expect(list.body.result.data.find((s: { current: boolean }) => s.current)).toMatchObject({ kind: "web" });
  });

  it("verifyRegistration and loginWithPhoneCode can sign in with a cookie too", async () => {
    const h = setup();
    const reg = await h.caller().auth.register({ email: "bo@example.com", password: PASSWORD });
    const code = await h.lastCode("bo@example.com");
    const res = await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code, delivery: "cookie" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data.accessToken).toBeNull();
    expect(setCookies(res)[0]).toMatch(COOKIE_LINE);

    await h.caller().auth.requestPhoneCode({ phone: "081234567890" });
    const smsCode = await h.lastCode("081234567890");
    const phone = await h.mutate("auth.loginWithPhoneCode", { phone: "081234567890", code: smsCode, delivery: "cookie" });
    expect(setCookies(phone)[0]).toMatch(COOKIE_LINE);
    expect((await h.query("user.me", undefined, { cookie: cookieValue(setCookies(phone)[0]!) })).body.result.data.phone).toBe("+6281234567890");
  });

  it("in process, the Set-Cookie line lands in the context's response headers", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    const ctx = createApiContext({ auth: h.auth, meta: META, credential: null });
    const out = await createCaller(ctx).auth.loginWithPassword({ identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" });
    expect(out.accessToken).toBeNull();
    const [line, device] = ctx.resHeaders.getSetCookie();
    expect(line).toMatch(COOKIE_LINE);
    expect(device).toMatch(DEVICE_LINE);
    const me = await createCaller(createApiContext({ auth: h.auth, meta: META, credential: { token: cookieValue(line!), from: "cookie" } })).user.me();
    expect(me.email).toBe("ana@example.com");
  });
});

describe("cookie-authenticated mutations must be same-origin", () => {
  it("refuses a cross-site Origin with 403, and the session keeps working", async () => {
    const h = setup();
    const { cookie } = await cookieLogin(h);
    const res = await h.mutate("auth.logout", undefined, { cookie, headers: { origin: "https://evil.example" } });
    const err = expectWireError(res, 403, "FORBIDDEN");
    expect(err.data.code).toBe("FORBIDDEN");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await h.query("user.me", undefined, { cookie })).status).toBe(200);
  });

  it("refuses Sec-Fetch-Site: cross-site with 403, even with a same-looking Origin", async () => {
    const h = setup();
    const { cookie } = await cookieLogin(h);
    const res = await h.mutate("auth.logout", undefined, {
      cookie,
      headers: { "sec-fetch-site": "cross-site", origin: "http://localhost", host: "localhost" },
    });
    expectWireError(res, 403, "FORBIDDEN");
    const revoke = await h.mutate("session.revokeAll", { keepCurrent: false }, { cookie, headers: { "sec-fetch-site": "cross-site" } });
    expectWireError(revoke, 403, "FORBIDDEN");
    const pin = await h.mutate("pin.set", { pin: "418207" }, { cookie, headers: { origin: "https://evil.example" } });
    expectWireError(pin, 403, "FORBIDDEN");
    expect((await h.query("user.me", undefined, { cookie })).status).toBe(200);
  });

  it("refuses a cookie mutation that shows neither Origin nor Sec-Fetch-Site", async () => {
    const h = setup();
    const { cookie } = await cookieLogin(h);
    expectWireError(await h.mutate("auth.logout", undefined, { cookie }), 403, "FORBIDDEN");
    expect((await h.query("user.me", undefined, { cookie })).status).toBe(200);
  });

  it("same-origin logout works, clears the cookie (Max-Age=0), and the cookie stops working", async () => {
    const h = setup();
    const { cookie } = await cookieLogin(h);
    const res = await h.mutate("auth.logout", undefined, { cookie, headers: { "sec-fetch-site": "same-origin" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ ok: true });
    const line = res.headers.get("set-cookie")!;
    expect(line).toMatch(/^authsvc_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
    expectWireError(await h.query("user.me", undefined, { cookie }), 401, "UNAUTHORIZED");
  });

  it("an Origin that matches the Host is same-origin", async () => {
    const h = setup();
    const { cookie } = await cookieLogin(h);
    const res = await h.mutate("auth.logout", undefined, { cookie, headers: { origin: "http://localhost", host: "localhost" } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("revoking the current session by cookie clears the cookie", async () => {
    const h = setup();
    const { cookie, res: login } = await cookieLogin(h);
    const sessionId = login.body.result.data.sessionId;
    const res = await h.mutate("session.revoke", { sessionId }, { cookie, headers: { "sec-fetch-site": "same-origin" } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^authsvc_session=;.*Max-Age=0/);
    expectWireError(await h.query("user.me", undefined, { cookie }), 401);
  });

  it("a bearer token is not subject to the origin check (no ambient credential)", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const res = await h.mutate("auth.logout", undefined, { token: s.accessToken!, headers: { origin: "https://evil.example" } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
