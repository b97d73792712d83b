import { describe, expect, it, vi } from "vitest";
import { expectNoLeak, expectWireError, MINUTE, PASSWORD, realTimersAfterEach, setup, type Harness, type Wire } from "./test/harness";
import { compileTrustProxy, trustNobody } from "./index";

const JSON_HEADERS = { "content-type": "application/json" };

realTimersAfterEach();

describe("simple routes", () => {
  it("GET /api/health answers 200 {status: ok}, with or without a trailing slash", async () => {
    const h = setup();
    for (const path of ["/api/health", "/api/health/"]) {
      const res = await h.raw(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body).toEqual({ status: "ok" });
    }
  });

  it("GET /api/ready answers 200 once migrations are applied", async () => {
    const h = setup();
    const res = await h.raw("/api/ready");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready" });
  });

  it("GET /api/dev/outbox lists messages newest first, filtered by destination in any form", async () => {
    const h = setup();
    await h.caller().auth.requestPhoneCode({ phone: "081234567890" });
    await h.caller().auth.register({ email: "ana@example.com", password: PASSWORD });
    const all = await h.raw("/api/dev/outbox");
    expect(all.status).toBe(200);
    expect(all.body.messages.map((m: { to: string }) => m.to)).toEqual(["ana@example.com", "+6281234567890"]);

    const phone = await h.raw(`/api/dev/outbox?to=${encodeURIComponent("0812-3456-7890")}`);
    expect(phone.body.messages).toHaveLength(1);
    const msg = phone.body.messages[0];
    expect(Object.keys(msg)).toEqual(expect.arrayContaining(["id", "channel", "to", "purpose", "subject", "text", "code", "createdAt"]));
    expect(msg).toMatchObject({ channel: "sms", to: "+6281234567890", purpose: "login" });
    expect(msg.text).toContain(msg.code);
    expect(new Date(msg.createdAt).toISOString()).toBe(msg.createdAt);
    expect((await h.outbox("ANA@Example.com"))[0]).toMatchObject({ channel: "email", purpose: "signup" });
  });

  it("GET /api/dev/outbox answers 404 JSON when the dev outbox is off", async () => {
    const h = setup({ handler: { devOutbox: "off" } });
    await h.caller().auth.requestPhoneCode({ phone: "081234567890" });
    const res = await h.raw("/api/dev/outbox?to=%2B6281234567890");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.text).not.toMatch(/\d{6}/);
  });

  it("an unknown /api path and a wrong method answer 404 JSON", async () => {
    const h = setup();
    for (const [method, path] of [
      ["GET", "/api/nope"],
      ["POST", "/api/health"],
      ["DELETE", "/api/dev/outbox"],
    ] as const) {
      const res = await h.raw(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    }
  });
});

describe("tRPC over HTTP", () => {
  it("a POST body over 64 KiB answers 413 JSON", async () => {
    const h = setup();
    const big = JSON.stringify({ email: "ana@example.com", password: "x".repeat(70 * 1024) });
    const res = await h.raw("/api/trpc/auth.register", { method: "POST", headers: JSON_HEADERS, body: big });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body.error.data).toMatchObject({ httpStatus: 413 });
    expectNoLeak(res);

    // Declared too large: refused before reading.
    const declared = await h.raw("/api/trpc/auth.register", {
      method: "POST",
      headers: { ...JSON_HEADERS, "content-length": String(65 * 1024) },
      body: "x".repeat(65 * 1024),
    });
    expect(declared.status).toBe(413);

    // Just under the limit is read (and refused for what it says, not for its size).
    const under = JSON.stringify({ email: "ana@example.com", password: "y".repeat(60 * 1024) });
    const ok = await h.raw("/api/trpc/auth.register", { method: "POST", headers: JSON_HEADERS, body: under });
    expectWireError(ok, 400, "INVALID_INPUT");
  });

  it("a malformed JSON body answers 400 JSON, not 500", async () => {
    const h = setup();
    for (const body of ["{bad", "{\"email\": ", "\u0000"]) {
      const res = await h.raw("/api/trpc/auth.register", { method: "POST", headers: JSON_HEADERS, body });
      expectWireError(res, 400);
      expect(res.body.error.data.code).toBe("BAD_REQUEST");
    }
    const badQuery = await h.raw(`/api/trpc/auth.registrationStatus?input=${encodeURIComponent("{nope")}`);
    expectWireError(badQuery, 400);
  });

  it("an unknown procedure answers 404 JSON", async () => {
    const h = setup();
    expectWireError(await h.mutate("auth.nope", {}), 404);
    expectWireError(await h.query("nope"), 404);
    const res = await h.raw("/api/trpc", { method: "GET" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("a wrong content type or a wrong method answers a 4xx with a JSON body", async () => {
    const h = setup();
    const text = await h.raw("/api/trpc/auth.register", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(text.status).toBe(415);
    expect(text.body.error.data.httpStatus).toBe(415);
    expectNoLeak(text);
    const none = await h.raw("/api/trpc/auth.register", { method: "POST", body: new Uint8Array([123, 125]) });
    expect(none.status).toBe(415);
    expect(none.body.error.data.httpStatus).toBe(415);
    expectWireError(await h.query("auth.register", { email: "ana@example.com", password: PASSWORD }), 405);
    expectWireError(await h.mutate("user.me", {}), 405);
    const put = await h.raw("/api/trpc/auth.register", { method: "PUT", headers: JSON_HEADERS, body: "{}" });
    expect(put.status).toBeGreaterThanOrEqual(400);
    expect(put.status).toBeLessThan(500);
    expectNoLeak(put);
  });

  it("every error answer is labelled application/json, also when tRPC refuses the request itself", async () => {
    // docs/contracts.md, "Envelope": every answer, errors included, is JSON. The 415 body is JSON but goes out
    // as text/plain, so clients that check the media type cannot read it.
    const h = setup();
    const res = await h.raw("/api/trpc/auth.register", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("a malformed session cookie counts as no credential, not a 500", async () => {
    // readCookie() runs decodeURIComponent on the value; "%E0%A4%A" throws URIError, and every
    // request from that browser (even sign-in) then answers 500.
    const h = setup();
    const me = await h.query("user.me", undefined, { cookie: "%E0%A4%A" });
    expectWireError(me, 401, "UNAUTHORIZED");
    const reg = await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD }, { cookie: "%E0%A4%A" });
    expect(reg.status, reg.text).toBe(200);
  });

  it("a malformed percent-escape in the procedure path answers a 4xx JSON, not a 500", async () => {
    const h = setup();
    const res = await h.raw("/api/trpc/%E0%A4%A", { method: "GET" });
    expectNoLeak(res);
    expect(res.status, res.text).toBeGreaterThanOrEqual(400);
    expect(res.status, res.text).toBeLessThan(500);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("handles() claims the API's paths and leaves the web app's alone", async () => {
    const { handler } = setup();
    expect(handler.handles("POST", "/api/trpc/x")).toBe(true);
    expect(handler.handles("GET", "/api/trpc/user.me")).toBe(true);
    expect(handler.handles("GET", "/api/health")).toBe(true);
    expect(handler.handles("GET", "/api/health/")).toBe(true);
    expect(handler.handles("GET", "/api/ready")).toBe(true);
    expect(handler.handles("GET", "/api/dev/outbox")).toBe(true);
    expect(handler.handles("GET", "/login")).toBe(false);
    // POST /login is family 001's REST route; GET /login is the web page.
    expect(handler.handles("POST", "/login")).toBe(true);
    expect(handler.handles("GET", "/")).toBe(false);
    expect(handler.handles("GET", "/dev/outbox")).toBe(false);
    expect(handler.handles("GET", "/api/trpcx")).toBe(false);
  });

  it("an internal failure answers 500 'Internal error' with no detail, and health turns 503", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    await h.store.close();
    const res = await h.query("user.me", undefined, { token: s.accessToken! });
    expect(res.status).toBe(500);
    expect(res.body.error.message).toBe("Internal error");
    expectNoLeak(res);
    expect(res.text).not.toMatch(/database|sqlite|connection/i);
    expect(h.logger.lines.some((l) => l.level === "error")).toBe(true);

    const health = await h.raw("/api/health");
    expect(health.status).toBe(503);
    const ready = await h.raw("/api/ready");
    expect(ready.status).toBe(503);
  });
});

describe("429 answers", () => {
  const expectRetryAfter = (res: Wire) => {
    expect(res.status, res.text).toBe(429);
    const header = res.headers.get("retry-after");
    expect(header, `a Retry-After header on ${res.text}`).not.toBeNull();
    expect(header).toMatch(/^\d+$/);
    expect(Number(header)).toBeGreaterThan(0);
    expect(res.body.error.data.retryAfterSec).toBe(Number(header));
    expectNoLeak(res);
  };

  it("every kind of 429 carries Retry-After equal to retryAfterSec", async () => {
    const h = setup({
      options: {
        limits: {
          signupPerIp: { max: 2, windowSec: 3600 },
          codeSendPerIp: { max: 3, windowSec: 3600 },
          loginPerIp: { max: 300, windowSec: 900 },
          loginFailuresPerIdentifier: { max: 10, windowSec: 900 },
        },
      },
    });
    const seen = new Set<string>();
    const check = (res: Wire) => {
      expectRetryAfter(res);
      seen.add(res.body.error.data.authCode);
    };

    // Resend cooldown (a resend at once after the sign-up).
    const reg = await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD });
    check(await h.mutate("auth.resendRegistration", { verificationId: reg.body.result.data.verificationId }));
    // Sign-ups per client address.
    await h.mutate("auth.register", { email: "cy@example.com", password: PASSWORD });
    check(await h.mutate("auth.register", { email: "bo@example.com", password: PASSWORD }));
    // Code sends per client address.
    await h.mutate("auth.requestPhoneCode", { phone: "081234567890" });
    await h.mutate("auth.requestPhoneCode", { phone: "081234567891" });
    await h.mutate("auth.requestPhoneCode", { phone: "081234567892" });
    check(await h.mutate("auth.requestPhoneCode", { phone: "081234567893" }));
    // Too many wrong codes.
    const code = await h.lastCode("081234567890");
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    let last: Wire | undefined;
    for (let i = 0; i < 5; i++) last = await h.mutate("auth.loginWithPhoneCode", { phone: "081234567890", code: wrong });
    check(last!);
    // Too many wrong passwords.
    for (let i = 0; i < 10; i++) await h.mutate("auth.loginWithPassword", { identifier: "zed@example.com", password: "wrong wrong wrong" });
    check(await h.mutate("auth.loginWithPassword", { identifier: "zed@example.com", password: "wrong wrong wrong" }));

    expect([...seen].sort()).toEqual(["RATE_LIMITED", "RESEND_COOLDOWN", "TOO_MANY_ATTEMPTS"]);
  });

  it("a code tried again after its lock has passed is refused as spent: 400 INVALID_CODE, no tries left, no Retry-After", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    await h.caller().auth.requestPhoneCode({ phone: "081234567890" });
    const code = await h.lastCode("081234567890");
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    // A code's own total of wrong tries, from two clients (each locks only itself after five).
    for (let i = 0; i < 10; i++) {
      await h.mutate("auth.loginWithPhoneCode", { phone: "081234567890", code: wrong }, { remoteAddress: i < 5 ? "192.0.2.1" : "192.0.2.2" });
    }
    vi.setSystemTime(Date.now() + 16 * MINUTE);
    const res = await h.mutate("auth.loginWithPhoneCode", { phone: "081234567890", code });
    expect(res.status).toBe(400);
    expect(res.body.error.data).toMatchObject({ httpStatus: 400, authCode: "INVALID_CODE", attemptsLeft: 0 });
    expect(res.headers.get("retry-after")).toBeNull();
  });
});

describe("client address", () => {
  const requestFrom = (h: ReturnType<typeof setup>, headers: Record<string, string>, remoteAddress = "127.0.0.1") =>
    h.mutate("auth.requestPhoneCode", { phone: "081234567890" }, { headers, remoteAddress });

  it("trusting nobody, X-Forwarded-For is ignored: audit rows carry the socket's address", async () => {
    const h = setup({ handler: { trustProxy: trustNobody } });
    const res = await requestFrom(h, { "x-forwarded-for": "198.51.100.7", "user-agent": "probe/1.0" });
    expect(res.status, res.text).toBe(200);
    const rows = (await h.auditRows());
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.ip).toBe("127.0.0.1");
      expect(row.user_agent).toBe("probe/1.0");
    }
  });

  it("behind a trusted proxy (loopback), the X-Forwarded-For address is used", async () => {
    const h = setup({ handler: { trustProxy: compileTrustProxy(["loopback"]) } });
    const res = await requestFrom(h, { "x-forwarded-for": "198.51.100.7" });
    expect(res.status, res.text).toBe(200);
    const rows = (await h.auditRows());
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.ip).toBe("198.51.100.7");

    // Without the header, the socket's address still counts.
    const h2 = setup({ handler: { trustProxy: compileTrustProxy(["loopback"]) } });
    await requestFrom(h2, {}, "192.0.2.9");
    expect((await h2.auditRows()).map((r) => r.ip)).toEqual((await h2.auditRows()).map(() => "192.0.2.9"));
  });

  it("an IPv4-mapped IPv6 socket address is recorded as plain IPv4, also on the session", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const login = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: PASSWORD }, { remoteAddress: "::ffff:192.0.2.44" });
    expect(login.status, login.text).toBe(200);
    const logins = (await h.auditRows()).filter((r) => r.kind === "login");
    expect(logins.at(-1)!.ip).toBe("192.0.2.44");
    const sessions = await h.caller(s.accessToken).session.list();
    expect(sessions.find((x) => x.id === login.body.result.data.sessionId)?.ip).toBe("192.0.2.44");
  });

  it("limits per client address count the trusted forwarded address, not the proxy's", async () => {
    const h = setup({ handler: { trustProxy: compileTrustProxy(["loopback"]) }, options: { limits: { codeSendPerIp: { max: 1, windowSec: 3600 } } } });
    expect((await h.mutate("auth.requestPhoneCode", { phone: "081234567890" }, { headers: { "x-forwarded-for": "198.51.100.1" } })).status).toBe(200);
    expect((await h.mutate("auth.requestPhoneCode", { phone: "081234567891" }, { headers: { "x-forwarded-for": "198.51.100.2" } })).status).toBe(200);
    expectWireError(
      await h.mutate("auth.requestPhoneCode", { phone: "081234567892" }, { headers: { "x-forwarded-for": "198.51.100.1" } }),
      429,
      "RATE_LIMITED",
    );
  });
});

describe("no leaks", () => {
  it("no error body carries a stack frame, a dependency path or a hash", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    const responses: Wire[] = [
      await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD }),
      await h.mutate("auth.register", { email: ["x"], password: { a: 1 } }),
      await h.mutate("auth.loginWithPassword", { identifier: "ana", password: "nope nope nope" }),
      await h.mutate("auth.verifyRegistration", { verificationId: "x".repeat(65), code: "abc" }),
      await h.mutate("auth.renew", { accessToken: "e30.e30.e30" }),
      await h.query("user.me", undefined, { token: "e30.e30.e30" }),
      await h.query("user.me", undefined, { cookie: "not-a-session" }),
      await h.mutate("pin.set", { pin: "111111" }, { token: s.accessToken! }),
      await h.raw("/api/trpc/auth.register", { method: "POST", headers: JSON_HEADERS, body: "[" }),
      await h.raw("/api/trpc/auth.register?batch=1", { method: "POST", headers: JSON_HEADERS, body: "{\"0\":{}}" }),
      await h.raw("/api/trpc/a,b,c?batch=1", { method: "GET" }),
      await h.raw("/api/trpc/%2e%2e%2fetc", { method: "GET" }),
    ];
    for (const res of responses) {
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text).toBeLessThan(500);
      expect(res.headers.get("content-type"), res.text).toMatch(/^application\/json/);
      expectNoLeak(res);
    }
  });
});

describe("dev outbox reach (issue 10, hole 1)", () => {
  const FAR = "203.0.113.9";
  const PHONE = "+6281990333364";
  const JSON_POST = { method: "POST", headers: { "content-type": "application/json", host: "localhost" } } as const;

  /** A family 001 user with a pending code in the outbox. */
  async function phoneUser(h: Harness) {
    const signUp = await h.raw("/user/sign-up", {
      ...JSON_POST,
      body: JSON.stringify({ name: "Syntia", email: "syntia@gmail.com", phoneNumber: PHONE, birthDate: "2020-03-28" }),
    });
    expect(signUp.status, signUp.text).toBe(200);
  }

  const verifyPhone = (h: Harness, remote: string, headers: Record<string, string> = {}) =>
    h.raw("/verify-phone", { ...JSON_POST, headers: { ...JSON_POST.headers, ...headers }, body: JSON.stringify({ phoneNumber: PHONE }) }, remote);

  const outboxAll = (h: Harness, remote: string, headers: Record<string, string> = {}) =>
    h.raw("/api/dev/outbox", { headers: { host: "localhost", ...headers } }, remote);

  it("local (the default with no transport): another machine gets 404 and no verificationCode, and cannot log in with two requests", async () => {
    const h = setup({ handler: { devOutbox: "local" } });
    await phoneUser(h);
    const sent = await verifyPhone(h, FAR);
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.content).toEqual({ expiresIn: expect.any(Number) });
    expect(sent.text).not.toMatch(/verificationCode|\d{6}/);

    const all = await outboxAll(h, FAR);
    expect(all.status).toBe(404);
    expect(all.text).not.toMatch(/\d{6}/);
    const one = await h.raw(`/api/dev/outbox?to=${encodeURIComponent(PHONE)}`, { headers: { host: "localhost" } }, FAR);
    expect(one.status).toBe(404);
    // The code was still sent (to the outbox): the owner can read it from the machine itself.
    expect((await h.auth.listOutbox(PHONE))[0]?.code).toMatch(/^\d{6}$/);
  });

  it("local: the machine itself (IPv4, IPv6 and IPv4-mapped loopback) is served", async () => {
    for (const remote of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.0.2"]) {
      // One harness per address: a second code within the resend cooldown is (silently) not sent.
      const h = setup({ handler: { devOutbox: "local" } });
      await phoneUser(h);
      const sent = await verifyPhone(h, remote);
      expect(sent.status, `${remote}: ${sent.text}`).toBe(200);
      expect(sent.body.content.verificationCode, remote).toMatch(/^\d{6}$/);
      const all = await outboxAll(h, remote);
      expect(all.status, remote).toBe(200);
      expect(all.body.messages[0].code).toBe(sent.body.content.verificationCode);
    }
  });

  it("local: a request through a reverse proxy on the machine (Forwarded, X-Forwarded-For, X-Real-IP) is refused", async () => {
    const relayed: Record<string, string>[] = [{ "x-forwarded-for": "198.51.100.7" }, { "x-forwarded-for": "127.0.0.1" }, { forwarded: "for=198.51.100.7" }, { "x-real-ip": "198.51.100.7" }];
    for (const headers of relayed) {
      const h = setup({ handler: { devOutbox: "local" } });
      await phoneUser(h);
      const all = await outboxAll(h, "127.0.0.1", headers);
      expect(all.status, JSON.stringify(headers)).toBe(404);
      const sent = await verifyPhone(h, "127.0.0.1", headers);
      expect(sent.status).toBe(200);
      expect(sent.text, JSON.stringify(headers)).not.toContain("verificationCode");
    }
  });

  it("local: a page of another site that rebinds its name to 127.0.0.1 (Host not a loopback name) is refused", async () => {
    const h = setup({ handler: { devOutbox: "local" } });
    await phoneUser(h);
    expect((await outboxAll(h, "127.0.0.1", { host: "evil.example:3000" })).status).toBe(404);
    expect((await verifyPhone(h, "127.0.0.1", { host: "evil.example" })).text).not.toContain("verificationCode");
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "app.localhost"]) {
      expect((await outboxAll(h, "127.0.0.1", { host })).status, host).toBe(200);
    }
  });

  it("on (AUTH_DEV_OUTBOX=1, explicit): served to anyone who reaches the server", async () => {
    const h = setup({ handler: { devOutbox: "on" } });
    await phoneUser(h);
    const sent = await verifyPhone(h, FAR, { "x-forwarded-for": "198.51.100.7" });
    expect(sent.body.content.verificationCode).toMatch(/^\d{6}$/);
    const all = await outboxAll(h, FAR, { host: "auth.example.com" });
    expect(all.status).toBe(200);
    expect(all.body.messages).toHaveLength(1);
  });

  it("off: nobody is served, not even the machine itself", async () => {
    const h = setup({ handler: { devOutbox: "off" } });
    await phoneUser(h);
    const sent = await verifyPhone(h, "127.0.0.1");
    expect(sent.status).toBe(200);
    expect(sent.text).not.toContain("verificationCode");
    expect((await outboxAll(h, "127.0.0.1")).status).toBe(404);
  });
});
