/**
 * SMS through the signed webhook against a node:http receiver on 127.0.0.1: the signature,
 * the JSON, and what happens when the receiver fails (the outbox row, the code, the retry).
 */
import { rmSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { OutboxMessage } from "@authsvc/store";
import { authError, cleanupsEachTest, fakeClockEachTest, outboxRows } from "../test-helpers";
import { createTestAuth, planCodes } from "../testing";
import { MAX_ATTEMPTS, retryDelayMs, retryPending } from "./deliver";
import { smsWebhookTransport } from "./sms-webhook";
import { codeIn, startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from "@authsvc/testing/receivers";

const SECRET = "webhook-shared-secret-0123456789";
const PHONE = "0881829915";
const E164 = "+62881829915";
const jwt = { type: "jwt" } as const;

const clock = fakeClockEachTest();
const cleanups = cleanupsEachTest();
let receiver: WebhookReceiver;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
});

function smsAuth(timeoutMs = 5_000) {
  const sms = smsWebhookTransport({ url: receiver.url, secret: SECRET, timeoutMs });
  const t = createTestAuth({}, { transports: { sms } });
  cleanups.push(() => t.store.close(), () => rmSync(t.dataDir, { recursive: true, force: true }));
  return t;
}

type T = ReturnType<typeof smsAuth>;
const rows = (t: T): Promise<OutboxMessage[]> => outboxRows(t);
const challengeOf = async (t: T, row: OutboxMessage) => (await t.store.challenges.byId(row.challengeId!))!;

describe("SMS webhook: the request", () => {
  it("is a JSON POST signed with the shared secret over the exact raw body and timestamp", async () => {
    const t = smsAuth();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });

    const req = await receiver.waitForRequest(1);
    const [row] = (await rows(t));
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["idempotency-key"]).toBe(`authsvc-${row!.id}`);

    // The receiver's check, written independently of signWebhook.
    expect(verifyWebhookSignature(SECRET, req)).toBe(true);
    expect(req.headers["x-authsvc-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    const ts = Number(req.headers["x-authsvc-timestamp"]);
    expect(String(ts)).toBe(req.headers["x-authsvc-timestamp"]);
    expect(Math.abs(ts - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(1);
    // Another secret, another byte of the body, or another timestamp: it no longer verifies.
    expect(verifyWebhookSignature("another-secret-0123456789abcdef", req)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...req, raw: req.raw.replace("}", " }") })).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...req, headers: { ...req.headers, "x-authsvc-timestamp": String(ts - 1) } })).toBe(false);

    const body = JSON.parse(req.raw) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["id", "purpose", "text", "to"]);
    expect(body).toMatchObject({ id: row!.id, to: E164, purpose: "login" });
    const code = codeIn(body.text);
    expect(body.text).toBe(`Your login code is ${code}. It expires in 5 minutes. Never share it.`);
    expect(row).toMatchObject({ status: "sent", attempts: 1, error: null, nextAttemptAt: null });

    // The code that reached the receiver signs in.
    await expect(t.auth.loginWithPhoneCode({ phone: PHONE, code }, jwt)).resolves.toMatchObject({ user: { phone: E164 } });
    // Nothing logged carries the code or the message.
    expect(JSON.stringify(t.logger.lines)).not.toContain(code);
  });
});

describe("SMS webhook: failures and retries", () => {
  it("a 500 answers DELIVERY_FAILED, keeps the code alive, and a retry after nextAttemptAt delivers it", async () => {
    const t = smsAuth();
    receiver.replies.push({ status: 500 });

    const err = await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(err.detail.retryAfterSec).toBe(5);

    const [failed] = (await rows(t));
    expect(failed).toMatchObject({ status: "failed", attempts: 1, error: "SMS webhook answered 500", sentAt: null });
    expect(failed!.nextAttemptAt).toBe(Date.now() + retryDelayMs(1));
    // The code is neither used nor replaced.
    expect((await challengeOf(t, failed!))).toMatchObject({ consumedAt: null, supersededAt: null });

    // Not due yet: nothing is retried.
    clock.advanceSec(4);
    expect(await retryPending(t.auth.ctx)).toBe(0);
    expect(receiver.requests).toHaveLength(1);

    clock.advanceSec(1);
    expect(await retryPending(t.auth.ctx)).toBe(1);
    const [sent] = (await rows(t));
    expect(sent).toMatchObject({ status: "sent", attempts: 2, nextAttemptAt: null, error: "SMS webhook answered 500" });
    expect(sent!.sentAt).toBe(Date.now());

    // The same message twice (same id, same text, same idempotency key), each signed.
    const [first, second] = receiver.requests;
    expect(second!.raw).toBe(first!.raw);
    expect(second!.headers["idempotency-key"]).toBe(first!.headers["idempotency-key"]);
    expect(verifyWebhookSignature(SECRET, second!)).toBe(true);

    const code = codeIn(second!.json!.text);
    await expect(t.auth.loginWithPhoneCode({ phone: PHONE, code }, jwt)).resolves.toMatchObject({ user: { phone: E164 } });
  });

  it("the worker delivers the failed message once it is due", async () => {
    const t = smsAuth();
    receiver.replies.push({ status: 500 });
    await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    clock.advanceSec(5);
    const worker = t.auth.startDeliveryWorker(20);
    cleanups.push(() => worker.stop());
    await receiver.waitForRequest(2);
    await worker.stop();
    expect((await rows(t))[0]).toMatchObject({ status: "sent", attempts: 2, error: "SMS webhook answered 500" });
  });

  it("allows a resend at once after the failure; the superseded code's failed row is not retried", async () => {
    const t = smsAuth();
    planCodes(t.auth, "111111", "222222");
    receiver.replies.push({ status: 500 });
    await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    const firstCode = codeIn(receiver.requests[0]!.json!.text);

    // No RESEND_COOLDOWN: the failed send gave the cooldown back.
    const again = await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    expect(again.user!.phone).toBe(E164);
    const secondCode = codeIn((await receiver.waitForRequest(2)).json!.text);
    const [old, fresh] = (await rows(t));
    expect(fresh).toMatchObject({ status: "sent", attempts: 1 });
    expect((await challengeOf(t, old!)).supersededAt).not.toBeNull();

    clock.advanceSec(10);
    expect(await retryPending(t.auth.ctx)).toBe(0);
    expect((await rows(t))[0]).toMatchObject({ id: old!.id, status: "failed", attempts: 1, error: "code no longer valid", nextAttemptAt: null });
    expect(receiver.requests).toHaveLength(2);

    expect([firstCode, secondCode]).toEqual(["111111", "222222"]);
    expect((await authError(t.auth.loginWithPhoneCode({ phone: PHONE, code: firstCode }, jwt))).code).toBe("INVALID_CODE");
    await expect(t.auth.loginWithPhoneCode({ phone: PHONE, code: secondCode }, jwt)).resolves.toBeDefined();
  });

  it("a code used after a failed send (the provider had it after all) is not sent again", async () => {
    const t = smsAuth();
    receiver.replies.push({ status: 500 });
    await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    // The gateway answered 500 but the SMS went out; the person signs in with it.
    await t.auth.loginWithPhoneCode({ phone: PHONE, code: codeIn(receiver.requests[0]!.json!.text) }, jwt);

    clock.advanceSec(5);
    expect(await retryPending(t.auth.ctx)).toBe(0);
    expect((await rows(t))[0]).toMatchObject({ status: "failed", attempts: 1, error: "code no longer valid", nextAttemptAt: null });
    expect(receiver.requests).toHaveLength(1);
  });

  it("gives up after 5 failed attempts: nextAttemptAt null, nothing more is sent", async () => {
    const t = smsAuth();
    receiver.fallback = { status: 503 };
    await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) {
      const row = (await rows(t))[0]!;
      expect(row).toMatchObject({ status: "failed", attempts, error: "SMS webhook answered 503" });
      expect(row.nextAttemptAt).toBe(Date.now() + retryDelayMs(attempts));
      clock.advanceSec(retryDelayMs(attempts) / 1000);
      expect(await retryPending(t.auth.ctx)).toBe(0);
    }
    expect((await rows(t))[0]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null, error: "SMS webhook answered 503" });
    expect(receiver.requests).toHaveLength(MAX_ATTEMPTS);

    clock.advanceSec(3600);
    expect(await retryPending(t.auth.ctx)).toBe(0);
    expect(receiver.requests).toHaveLength(MAX_ATTEMPTS);
  });

  it("a webhook that hangs past the timeout fails with a timeout reason", async () => {
    const t = smsAuth(200);
    receiver.replies.push("hang");
    // A hang would be caught by the test's own timeout; the row says it was the webhook's.
    const err = await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect((await rows(t))[0]).toMatchObject({ status: "failed", attempts: 1, error: "SMS webhook timed out after 200 ms" });
    expect((await rows(t))[0]!.nextAttemptAt).toBe(Date.now() + retryDelayMs(1));
  });

  it("an unreachable webhook fails with an unreachable reason", async () => {
    const url = receiver.url;
    await receiver.close();
    cleanups.length = 0;
    const sms = smsWebhookTransport({ url, secret: SECRET, timeoutMs: 2_000 });
    const t = createTestAuth({}, { transports: { sms } });
    cleanups.push(() => t.store.close(), () => rmSync(t.dataDir, { recursive: true, force: true }));
    expect((await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }))).code).toBe("DELIVERY_FAILED");
    expect((await rows(t))[0]!.error).toMatch(/^SMS webhook unreachable: /);
  });
});
