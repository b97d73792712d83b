/**
 * Signed event webhooks, as the operator's receiver sees them: two production servers
 * (dist/server.mjs) on one fresh PostgreSQL database send to a receiver started here, which
 * refuses the first delivery (500). Driven over HTTP through both instances (tRPC and a REST
 * family), the receiver gets every event the flows caused exactly once, each with a signature
 * that the Standard Webhooks reference library verifies, and nothing it should not see.
 *
 * PostgreSQL only: skipped with one line (said by the global setup) when no server can be had.
 * Build first: `pnpm --filter @authsvc/web build`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Secret, TOTP } from "otpauth";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgTestServerUrl } from "@authsvc/pg-test-server";
import { jwtPayload } from "@authsvc/api/testing";
import { launchService, request, requireBuild, serverDatabase, type Answer, type ServerDatabase, type Service } from "./support/server";
import { until } from "./support/until";
import { startWebhookReceiver, type WebhookReceiver, type WebhookRequest } from "./support/receivers";

const EVENTS_SECRET = `whsec_${Buffer.from("e2e-events-webhook-key-0123456789").toString("base64")}`;
const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "another horse battery staple";
/** Family 002 takes 6 to 20 characters. */
const REST_PASSWORD = "Kopi-Susu-Gula-42";

interface Received {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

let serial = 0;
/** A client address of its own per call (TRUST_PROXY=loopback), so per-address limits meet only where a test means them to. */
const freshAddress = () => `198.51.${Math.floor(++serial / 250) % 250}.${serial % 250}`;


const headersOf = (req: WebhookRequest) => req.headers as Record<string, string>;
/** The outbox row a webhook-id names (`msg_<row id>_<created>`): the order the events were written in. */
const rowIdOf = (req: WebhookRequest) => Number(/^msg_(\d+)_/.exec(String(req.headers["webhook-id"]))![1]);

describe.skipIf(!pgTestServerUrl())("signed event webhooks: two instances, the first delivery refused", () => {
  let cwd: string;
  let database: ServerDatabase | undefined;
  let service: Service | undefined;
  let receiver: WebhookReceiver | undefined;
  let a: string;
  let b: string;

  const call = (base: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    request(base, method, route, body, { "x-forwarded-for": freshAddress(), ...headers });
  const trpc = (base: string, name: string, input: unknown, headers: Record<string, string> = {}) => call(base, "POST", `/api/trpc/${name}`, input, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** One instance or the other, by the number's last digit. */
  const i2 = (phone: string) => (Number(phone.at(-1)) % 2 ? a : b);
  function data(res: Answer, label: string): Record<string, any> {
    expect(res.status, `${label}: ${res.text}`).toBe(200);
    return res.body.result.data as Record<string, any>;
  }
  /** The newest code in the dev outbox for `to` (both instances read the one database). */
  async function codeFor(to: string): Promise<string> {
    const res = await request(a, "GET", `/api/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    return String(res.body.messages[0].code);
  }

  beforeAll(async () => {
    requireBuild();
    cwd = mkdtempSync(path.join(tmpdir(), "authsvc-events-"));
    database = await serverDatabase("PostgreSQL, two instances", cwd);
    receiver = await startWebhookReceiver();
    // The receiver is down for the first delivery, whichever instance makes it; then slow, so a
    // worker's batch keeps it busy long enough for the other instance's worker to claim the next.
    receiver.replies.push({ status: 500 });
    receiver.fallback = { status: 200, delayMs: 100 };
    service = await launchService(
      cwd,
      {
        ...database.env,
        DATABASE_POOL_SIZE: "5",
        TRUST_PROXY: "loopback",
        // No mail or SMS provider: codes are read from the dev outbox, which must not show events.
        AUTH_DEV_OUTBOX: "1",
        AUTH_EVENTS_WEBHOOK_URL: receiver.url,
        AUTH_EVENTS_WEBHOOK_SECRET: EVENTS_SECRET,
      },
      2,
    );
    [a, b] = service.instances.map((i) => i.base) as [string, string];
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
    await database?.drop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it("sends every event of the flows once, signed, in the recommended shape, with no contact or secret in it", async () => {
    const secrets: string[] = [PASSWORD, NEW_PASSWORD, REST_PASSWORD];

    // A registration by emailed code (tRPC): started on A, proven on B.
    const email = "ana@example.com";
    const reg = data(await trpc(a, "auth.register", { email, password: PASSWORD }), "auth.register");
    const signupCode = await codeFor(email);
    const first = data(await trpc(b, "auth.verifyRegistration", { verificationId: reg.verificationId, code: signupCode }), "auth.verifyRegistration");
    const ana = Number(jwtPayload(first.accessToken).sub);
    const s1 = String(jwtPayload(first.accessToken).sid);

    // A password sign-in, then a password change on it that signs the first session out.
    const login = data(await trpc(a, "auth.loginWithPassword", { identifier: email, password: PASSWORD }), "auth.loginWithPassword");
    const s2 = String(jwtPayload(login.accessToken).sid);
    data(await trpc(b, "password.update", { newPassword: NEW_PASSWORD, currentPassword: PASSWORD }, bearer(login.accessToken)), "password.update");

    // An authenticator app added; the next sign-in owes a second step, taken with a recovery code.
    const started = data(await trpc(a, "security.startTotp", { name: "Pixel" }, bearer(login.accessToken)), "security.startTotp");
    const appCode = TOTP.generate({ secret: Secret.fromBase32(started.secret), timestamp: Date.now() });
    const confirmed = data(await trpc(b, "security.confirmTotp", { factorId: started.factorId, code: appCode }, bearer(login.accessToken)), "security.confirmTotp");
    const owed = await trpc(b, "auth.loginWithPassword", { identifier: email, password: NEW_PASSWORD });
    expect(owed.status, owed.text).toBe(401);
    const second = data(await trpc(a, "auth.secondStep", { ticket: owed.body.error.data.ticket, recoveryCode: confirmed.recoveryCodes[0] }), "auth.secondStep");
    const s3 = String(jwtPayload(second.accessToken).sid);

    // The factor removed; a renewal token replayed (the session is revoked); a logout.
    data(await trpc(b, "security.removeFactor", { factorId: started.factorId }, bearer(second.accessToken)), "security.removeFactor");
    data(await trpc(a, "auth.renew", { accessToken: second.accessToken }), "auth.renew");
    expect((await trpc(b, "auth.renew", { accessToken: second.accessToken })).status).toBe(401);
    data(await trpc(a, "auth.logout", {}, bearer(login.accessToken)), "auth.logout");

    // Family 002's REST door: register, then the emailed code signs in.
    const budi = "budi@example.com";
    expect((await call(a, "POST", "/auth/register", { email: budi, password: REST_PASSWORD, fullname: "Budi Santoso" })).status).toBe(200);
    expect((await call(b, "POST", "/auth/send-otp", { email: budi })).status).toBe(200);
    const restCode = await codeFor(budi);
    const verified = await call(a, "POST", "/auth/otp-verify", { email: budi, otp_number: restCode });
    expect(verified.status, verified.text).toBe(200);

    // A phone's first code (find-or-create) signs in through the other instance.
    const phone = "+62881829915";
    data(await trpc(a, "auth.requestPhoneCode", { phone }), "auth.requestPhoneCode");
    const phoneCode = await codeFor(phone);
    const phoneSignIn = data(await trpc(b, "auth.loginWithPhoneCode", { phone, code: phoneCode }), "auth.loginWithPhoneCode");
    const chandra = Number(jwtPayload(phoneSignIn.accessToken).sub);

    // Wrong codes from one requester, through both instances, until it is locked out.
    const target = "+62881829916";
    data(await trpc(a, "auth.requestPhoneCode", { phone: target }), "auth.requestPhoneCode");
    const targetCode = await codeFor(target);
    const wrong = targetCode === "000000" ? "111111" : "000000";
    const guesser = { "x-forwarded-for": "203.0.113.66" };
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await trpc(i % 2 ? a : b, "auth.loginWithPhoneCode", { phone: target, code: wrong }, guesser)).status);
    expect(answers.at(-1)).toBe(429);
    // A busy moment: more new numbers at once than one batch of a worker takes.
    const crowd = Array.from({ length: 25 }, (_, i) => `+628818299${20 + i}`);
    for (const res of await Promise.all(crowd.map((p) => trpc(i2(p), "auth.requestPhoneCode", { phone: p })))) expect(res.status, res.text).toBe(200);
    secrets.push(signupCode, restCode, phoneCode, targetCode, first.accessToken, login.accessToken, second.accessToken, phoneSignIn.accessToken);

    const rows = await database!.rows("SELECT id, purpose, status, attempts FROM outbox WHERE channel = 'event' ORDER BY id");
    const delivered = (): WebhookRequest[] => receiver!.requests.slice(1);
    await until(
      async () => {
        const settled = await database!.rows("SELECT id FROM outbox WHERE channel = 'event' AND status <> 'sent'");
        return settled.length === 0 && delivered().length >= rows.length ? true : undefined;
      },
      () => `${rows.length} events delivered (got ${delivered().length} after the refused one)`,
    );
    // Two passes of both workers later, nothing more arrives.
    await new Promise((r) => setTimeout(r, 4_500));

    const [refused, ...accepted] = receiver!.requests;
    expect(accepted).toHaveLength(rows.length);
    // Each event once: one accepted delivery per webhook-id, the refused one retried under its id.
    const ids = accepted.map((req) => req.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(refused!.headers["webhook-id"]);
    expect(accepted.find((req) => req.headers["webhook-id"] === refused!.headers["webhook-id"])!.raw).toBe(refused!.raw);

    const verifier = new Webhook(EVENTS_SECRET);
    const stranger = new Webhook(`whsec_${Buffer.from("not-the-events-webhook-key-987654").toString("base64")}`);
    for (const req of receiver!.requests) {
      expect(req.method).toBe("POST");
      expect(req.headers["content-type"]).toBe("application/json");
      expect(verifier.verify(req.raw, headersOf(req))).toEqual(JSON.parse(req.raw));
      expect(() => stranger.verify(req.raw, headersOf(req))).toThrow();
      for (const secret of [...secrets, email, budi, phone, target, ...crowd, "881829915"]) expect(req.raw).not.toContain(secret);
    }

    const bodies = [...accepted].sort((x, y) => rowIdOf(x) - rowIdOf(y)).map((req) => JSON.parse(req.raw) as Received);
    for (const body of bodies) {
      expect(Object.keys(body)).toEqual(["type", "timestamp", "data"]);
      expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    }
    const budiId = bodies.find((e) => e.type === "user.created" && e.data.method === "password")?.data.userId;
    const targetId = bodies.filter((e) => e.type === "user.created" && e.data.method === "phone_code")[1]?.data.userId;
    expect(bodies.map((e) => ({ type: e.type, data: e.data }))).toEqual([
      { type: "user.created", data: { userId: ana, method: "email_code" } },
      { type: "user.verified", data: { userId: ana, channel: "email" } },
      { type: "session.created", data: { userId: ana, sessionId: s1, method: "signup" } },
      { type: "session.created", data: { userId: ana, sessionId: s2, method: "password" } },
      { type: "password.changed", data: { userId: ana, how: "change" } },
      { type: "session.revoked", data: { userId: ana, reason: "password_changed", count: 1 } },
      { type: "factor.added", data: { userId: ana, factorId: started.factorId, kind: "totp" } },
      { type: "session.created", data: { userId: ana, sessionId: s3, method: "password+recovery_code" } },
      { type: "factor.removed", data: { userId: ana, factorId: started.factorId, kind: "totp", reason: "removed_by_user" } },
      { type: "session.revoked", data: { userId: ana, sessionId: s3, reason: "token_reuse" } },
      { type: "session.revoked", data: { userId: ana, sessionId: s2, reason: "logout" } },
      { type: "user.created", data: { userId: budiId, method: "password" } },
      { type: "user.verified", data: { userId: budiId, channel: "email" } },
      { type: "session.created", data: { userId: budiId, sessionId: expect.any(String), method: "email_code" } },
      { type: "user.created", data: { userId: chandra, method: "phone_code" } },
      { type: "user.verified", data: { userId: chandra, channel: "phone" } },
      { type: "session.created", data: { userId: chandra, sessionId: String(jwtPayload(phoneSignIn.accessToken).sid), method: "phone_code" } },
      { type: "user.created", data: { userId: targetId, method: "phone_code" } },
      { type: "lockout", data: { userId: targetId, what: "code", purpose: "login", retryAfterSec: expect.any(Number) } },
      ...crowd.map(() => ({ type: "user.created", data: { userId: expect.any(Number), method: "phone_code" } })),
    ]);
    expect(new Set(bodies.map((e) => e.type))).toEqual(
      new Set(["user.created", "user.verified", "session.created", "session.revoked", "password.changed", "factor.added", "factor.removed", "lockout"]),
    );

    // Both workers took part: the slow receiver kept each busy with a batch while the other claimed the next.
    for (const instance of service!.instances) expect(instance.server.output()).toMatch(/"transport":"events-webhook"[^\n]*"message sent/);
    // The outbox settled them all: sent, the refused one on its second try, and no copy kept.
    const settled = await database!.rows("SELECT status, attempts, text FROM outbox WHERE channel = 'event' ORDER BY id");
    expect(settled.every((r) => r.status === "sent" && r.text === "[redacted]")).toBe(true);
    expect(settled.map((r) => Number(r.attempts)).sort()).toEqual([...Array(rows.length - 1).fill(1), 2]);
  }, 120_000);

  it("the dev outbox of either instance never shows an event", async () => {
    for (const base of [a, b]) {
      const res = await request(base, "GET", "/api/dev/outbox");
      expect(res.status).toBe(200);
      expect(res.body.messages.length).toBeGreaterThan(0);
      for (const m of res.body.messages as { channel: string }[]) expect(["email", "sms"]).toContain(m.channel);
    }
  });
});
