/**
 * Operations of the production bundle (dist/server.mjs) with real transports: an SMTP
 * server and an SMS webhook receiver started here on 127.0.0.1. What the logs hold after a
 * full flow, request ids, graceful shutdown with a request in flight, refusing half a
 * transport configuration, and the readiness probe. The server-backed parts run once per
 * engine on a fresh database (PostgreSQL is skipped, saying why, without a server), the
 * flows also through two instances on one PostgreSQL database behind a balancer.
 *
 * Build first: `pnpm --filter @authsvc/web build` (from the repo root).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineMissing,
  freePort,
  request,
  serverDatabase,
  oneServerEngines,
  serverEngines,
  serviceForBlock,
  start,
  stop,
  waitForHealth,
  type Answer,
  type Running,
} from "./support/server";
import {
  codeIn,
  jsonLine,
  linesOf,
  startSmtpReceiver,
  startWebhookReceiver,
  verifyWebhookSignature,
  type SmtpReceiver,
  type WebhookReceiver,
} from "./support/receivers";

const AUTH_SECRET = "ops-e2e-auth-secret-0123456789-abcdefghij";
const SMS_SECRET = "ops-e2e-sms-webhook-secret-42";
const SMTP_USER = "mailer";
const SMTP_PASS = "smtp-pass-7d1e9c";
const MAIL_FROM = '"Authsvc Ops" <no-reply@ops.authsvc.test>';
const EMAIL = "ops.ana@example.com";
const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase 2031";
const PHONE = "0881829915";
const E164 = "+62881829915";
const PIN = "582914";

interface LoggedAnswer extends Answer {
  path: string;
  requestId: string | null;
}

/** Collects every answer so its X-Request-Id can be matched with the log. */
function client(base: string) {
  const answers: LoggedAnswer[] = [];
  async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<LoggedAnswer> {
    const res = await request(base, method, route, body, headers);
    const answer = { ...res, path: route.split("?")[0]!, requestId: res.headers.get("x-request-id") };
    answers.push(answer);
    return answer;
  }
  /** A tRPC mutation's data, after checking it answered 200. */
  async function mutation(name: string, input: unknown, headers: Record<string, string> = {}) {
    const res = await call("POST", `/api/trpc/${name}`, input, headers);
    expect(res.status, `${name}: ${res.text}`).toBe(200);
    return { res, data: res.body?.result?.data as Record<string, unknown> };
  }
  return { answers, call, mutation };
}

async function until(check: () => boolean, what: () => string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------- (a) and (d)

describe.each(serverEngines)("production server with SMTP and the SMS webhook on %s", (engine) => {
  let base: string;
  let smtp: SmtpReceiver | undefined;
  let sms: WebhookReceiver | undefined;

  // Before the service's own hooks (registered next): it is started with the receivers' addresses, and stopped before them.
  beforeAll(async () => {
    smtp = await startSmtpReceiver({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
    sms = await startWebhookReceiver();
  });
  afterAll(async () => {
    await smtp?.close();
    await sms?.close();
  });
  const block = serviceForBlock(engine, "ops", () => ({
    AUTH_SECRET,
    SMTP_URL: smtp!.url,
    MAIL_FROM,
    SMS_WEBHOOK_URL: sms!.url,
    SMS_WEBHOOK_SECRET: SMS_SECRET,
    // The most the server would ever log.
    LOG_LEVEL: "debug",
  }));
  if (!block) return;
  const service = () => block.service();
  const database = () => block.database();
  beforeAll(() => {
    base = service().base;
  });

  it("GET /api/ready answers 200 {status: ready}", async () => {
    const res = await fetch(`${base}/api/ready`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: "ready" });
  });

  it("keeps the dev outbox off with real transports", async () => {
    const res = await fetch(`${base}/api/dev/outbox?to=${encodeURIComponent(EMAIL)}`);
    expect(res.status).toBe(404);
  });

  it("a full flow (sign-up, phone login, PIN, reset by link) leaves no secret in the logs, and every request is traceable by its id", async () => {
    const { answers, call, mutation } = client(base);
    const secrets: Record<string, string> = { PASSWORD, NEW_PASSWORD, AUTH_SECRET, SMS_SECRET, SMTP_PASS };
    const codes: Record<string, string> = { PIN };

    // Sign-up: the code comes by SMTP, From = MAIL_FROM.
    const registered = await mutation("auth.register", { email: EMAIL, password: PASSWORD, username: "opsana" });
    const signupMail = await smtp!.waitForMail(1);
    expect(signupMail.subject).toBe("Your sign-up code");
    expect(signupMail.from.replace(/"/g, "")).toBe("Authsvc Ops <no-reply@ops.authsvc.test>");
    codes.signupCode = codeIn(signupMail.text);
    const verified = await mutation("auth.verifyRegistration", { verificationId: registered.data.verificationId, code: codes.signupCode });
    secrets.signupAccessToken = String(verified.data.accessToken);
    const me = await call("GET", "/api/trpc/user.me", undefined, { authorization: `Bearer ${secrets.signupAccessToken}` });
    expect(me.status, me.text).toBe(200);
    expect(me.body.result.data.email).toBe(EMAIL);

    // The SMS gateway fails once: 503 DELIVERY_FAILED with Retry-After, and asking again at once works.
    sms!.replies.push({ status: 500 });
    const failed = await call("POST", "/api/trpc/auth.requestPhoneCode", { phone: PHONE });
    expect(failed.status, failed.text).toBe(503);
    expect(failed.body.error.data).toMatchObject({ authCode: "DELIVERY_FAILED", retryAfterSec: 5 });
    expect(failed.headers.get("retry-after")).toBe("5");
    codes.undeliveredCode = codeIn((await sms!.waitForRequest(1)).json!.text);

    // Phone login: the code comes by the signed webhook; the session in a cookie.
    await mutation("auth.requestPhoneCode", { phone: PHONE });
    const smsReq = await sms!.waitForRequest(2);
    expect(verifyWebhookSignature(SMS_SECRET, smsReq)).toBe(true);
    expect(smsReq.json).toMatchObject({ to: E164, purpose: "login" });
    codes.phoneCode = codeIn(smsReq.json!.text);
    const phoneLogin = await mutation("auth.loginWithPhoneCode", { phone: PHONE, code: codes.phoneCode, delivery: "cookie" });
    expect(phoneLogin.data.accessToken).toBeNull();
    const cookie = phoneLogin.res.headers.getSetCookie().find((c) => c.startsWith("authsvc_session="));
    expect(cookie, JSON.stringify(phoneLogin.res.headers.getSetCookie())).toBeDefined();
    const cookiePair = cookie!.split(";")[0]!;
    secrets.cookieToken = decodeURIComponent(cookiePair.slice("authsvc_session=".length));
    expect(secrets.cookieToken.length).toBeGreaterThanOrEqual(20);

    // A PIN, set through tRPC with the cookie (same origin).
    await mutation("pin.set", { pin: PIN }, { cookie: cookiePair, origin: base });

    // Password reset by the emailed link.
    await mutation("auth.forgotPassword", { identifier: EMAIL });
    const resetMail = await smtp!.waitForMail(2);
    expect(resetMail.subject).toBe("Reset your password");
    codes.resetCode = codeIn(resetMail.text);
    const link = /\/reset-password\?token=([^\s"<&]+)/.exec(resetMail.text);
    expect(link, resetMail.text).not.toBeNull();
    secrets.resetTokenInLink = link![1]!;
    secrets.resetToken = decodeURIComponent(link![1]!);
    // The page the link opens: its query string must not reach the log.
    const page = await call("GET", `/reset-password?token=${link![1]}`);
    expect(page.status).toBe(200);
    await mutation("auth.resetPasswordWithLink", { token: secrets.resetToken, newPassword: NEW_PASSWORD });
    const relogin = await mutation("auth.loginWithPassword", { identifier: EMAIL, password: NEW_PASSWORD });
    secrets.newAccessToken = String(relogin.data.accessToken);
    await smtp!.waitForMail(3); // the "password changed" notice

    // The argon2 hashes the flow stored: the password (now the new one) and the PIN, plus the
    // first password's hash if the pending sign-up still keeps it.
    const creds = await database().rows("SELECT password_hash, pin_hash FROM credentials");
    const stored = creds.flatMap((r) => [r.password_hash, r.pin_hash]).filter((h): h is string => typeof h === "string" && h !== "");
    expect(stored).toHaveLength(2);
    // SQLite keeps the payload as text, PostgreSQL as jsonb (handed back parsed): searched as text alike.
    const payloads = (await database().rows("SELECT payload FROM challenges WHERE payload IS NOT NULL")).map((r) =>
      typeof r.payload === "string" ? r.payload : JSON.stringify(r.payload),
    );
    const pending = payloads.flatMap((p) => p.match(/\$argon2id\$[^"\\]+/g) ?? []);
    [...stored, ...pending].forEach((h, i) => {
      expect(h).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[\w+/]+\$[\w+/]+$/);
      secrets[`argon2Hash${i}`] = h;
      // The digest alone: a hash logged in pieces still shows it.
      secrets[`argon2Digest${i}`] = h.split("$").at(-1)!;
    });

    // Every answer has an X-Request-Id, and the log has its request line (flushed on finish).
    for (const a of answers) expect(a.requestId, `${a.path} ${a.status}`).toMatch(/^[\w.:-]{1,128}$/);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(answers.length);
    const requestLines = () =>
      linesOf(service().output())
        .map(jsonLine)
        .filter((l): l is Record<string, unknown> => l?.msg === "request");
    await until(
      () => answers.every((a) => requestLines().some((l) => l.requestId === a.requestId)),
      () => `request lines for every answer in:\n${service().output()}`,
    );

    const output = service().output();
    const lines = linesOf(output);
    for (const a of answers) {
      const logged = requestLines().find((l) => l.requestId === a.requestId)!;
      expect(logged, a.path).toMatchObject({ path: a.path, status: a.status });
    }
    // The failed send is logged with its reason, on the failed request's id.
    const failedLine = lines.map(jsonLine).find((l) => l?.msg === "message delivery failed");
    expect(failedLine, output).toMatchObject({ requestId: failed.requestId, reason: "SMS webhook answered 500", level: "error" });
    // Without TRUST_PROXY a client's X-Request-Id is not taken over.
    const spoofed = await call("GET", "/api/health", undefined, { "x-request-id": "client-chosen-id" });
    expect(spoofed.requestId).not.toBe("client-chosen-id");
    // Every request line carries a request id (also those of requests this test did not make).
    for (const l of requestLines()) expect(typeof l.requestId, JSON.stringify(l)).toBe("string");
    // What core logs while serving a request carries that request's id, also for a message
    // sent after the answer (the "password changed" notice), which may still be on its way.
    const sentNow = () => linesOf(service().output()).map(jsonLine).filter((l) => l?.msg === "message sent");
    await until(
      () => sentNow().length >= 4,
      () => `four "message sent" lines in:\n${service().output()}`,
    );
    const sentLines = sentNow();
    for (const l of sentLines) expect(answers.map((a) => a.requestId), JSON.stringify(l)).toContain(l!.requestId);

    // No line holds a secret, a code, a token or a hash.
    for (const [name, value] of Object.entries(secrets)) {
      const hit = lines.find((l) => l.includes(value));
      expect(hit, `${name} in the log`).toBeUndefined();
    }
    for (const [name, value] of Object.entries(codes)) {
      const standalone = new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`);
      const hit = lines.find((l) => standalone.test(l));
      expect(hit, `${name} (${value}) in the log`).toBeUndefined();
    }
    expect(lines.find((l) => /\$argon2/.test(l))).toBeUndefined();
    expect(lines.find((l) => /reset-password\?|token=/.test(l))).toBeUndefined();
  });
});

// ---------------------------------------------------------------- (b)

// One process's shutdown: on each engine, with one instance.
describe.each(oneServerEngines)("graceful shutdown on %s", (engine) => {
  if (engineMissing(engine)) {
    it.skip("PostgreSQL: no server (the global setup said why)", () => {});
    return;
  }

  it("completes a request in flight on SIGTERM, refuses new connections, and exits 0", async () => {
    const sms = await startWebhookReceiver({ status: 200, delayMs: 1_500 });
    const cwd = mkdtempSync(path.join(tmpdir(), "authsvc-ops-stop-"));
    let server: Running | undefined;
    const database = await serverDatabase(engine, cwd);
    try {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      server = start(cwd, { PORT: String(port), ...database.env, AUTH_SECRET, SMS_WEBHOOK_URL: sms.url, SMS_WEBHOOK_SECRET: SMS_SECRET });
      await waitForHealth(base, server);

      const startedAt = Date.now();
      let settledAt: number | undefined;
      const inFlight = fetch(`${base}/api/trpc/auth.requestPhoneCode`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ phone: PHONE }),
      }).then(async (res) => {
        const text = await res.text();
        settledAt = Date.now();
        return { status: res.status, text, requestId: res.headers.get("x-request-id") };
      });
      // The server is waiting on the (slow) provider: the request is in flight.
      await sms.waitForRequest(1);
      const exited = server.exited;
      const signalledAt = Date.now();
      server.child.kill("SIGTERM");

      // A new connection is refused while the old request is still being served.
      const refused = await connectionRefused(port, 1_000);
      expect(refused, "a connection made after SIGTERM was accepted").toBe(true);
      expect(settledAt, "the request finished before the new connection was tried").toBeUndefined();

      const answer = await inFlight;
      expect(answer.status, answer.text).toBe(200);
      expect(JSON.parse(answer.text)).toMatchObject({ result: { data: { phone: E164 } } });
      expect(settledAt! - startedAt).toBeGreaterThanOrEqual(1_400);
      expect(settledAt!).toBeGreaterThan(signalledAt);

      expect(await exited, server.output()).toBe(0);
      expect(server.output()).toContain("shutting down");
    } finally {
      await stop(server);
      await database.drop();
      await sms.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

/** True once a TCP connection to the port is refused; connections that do open are closed at once. */
async function connectionRefused(port: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const outcome = await new Promise<"refused" | "accepted" | "other">((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve("accepted");
      });
      socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED" ? "refused" : "other"));
    });
    if (outcome === "refused") return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

// ---------------------------------------------------------------- (c)

describe("half a transport configuration", () => {
  const exitsNaming = async (extra: Record<string, string>) => {
    const cwd = mkdtempSync(path.join(tmpdir(), "authsvc-ops-half-"));
    try {
      const server = start(cwd, { PORT: String(await freePort()), AUTH_SECRET, ...extra });
      const timer = setTimeout(() => server.child.kill("SIGKILL"), 20_000);
      const code = await server.exited;
      clearTimeout(timer);
      return { code, output: server.output() };
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  };

  it("SMTP_URL without MAIL_FROM stops the start, naming MAIL_FROM (and never echoing the URL's password)", async () => {
    const { code, output } = await exitsNaming({ SMTP_URL: "smtp://mailer:hunter2-mail-pass@127.0.0.1:2525" });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain("MAIL_FROM");
    expect(output).toContain("Invalid environment: MAIL_FROM must be set when SMTP_URL is");
    expect(output).not.toContain("hunter2-mail-pass");
    expect(output).not.toContain("authsvc listening");
  });

  it("SMS_WEBHOOK_URL without SMS_WEBHOOK_SECRET stops the start, naming SMS_WEBHOOK_SECRET", async () => {
    const { code, output } = await exitsNaming({ SMS_WEBHOOK_URL: "http://127.0.0.1:9/sms" });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain("Invalid environment: SMS_WEBHOOK_SECRET must be set when SMS_WEBHOOK_URL is");
  });
});
