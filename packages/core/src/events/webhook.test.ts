/**
 * Events through the signed webhook against a node:http receiver on 127.0.0.1, checked the
 * way a receiver checks them: with the Standard Webhooks reference library's `verify`.
 */
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { startWebhookReceiver, type WebhookReceiver, type WebhookRequest } from "@authsvc/testing/receivers";
import { createAuth } from "../auth";
import { EVENT_RETRY_DELAYS_MS, retryPending, startDeliveryWorker } from "../delivery/deliver";
import { cleanupsEachTest, fakeClockEachTest, PASSWORD, signUp } from "../test-helpers";
import { createTestAuth, memoryLogger, TEST_ARGON2, TEST_SECRET } from "../testing";
import { webhookId } from "./webhook";

const clock = fakeClockEachTest();
const cleanups = cleanupsEachTest();
const SECRET = `whsec_${Buffer.from("events-test-key-0123456789abcdef").toString("base64")}`;
const OTHER_SECRET = `whsec_${Buffer.from("another-key-0123456789abcdefghij").toString("base64")}`;
const EMAIL = "ana@example.com";

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  cleanups.push(() => r.close());
  return r;
}

function eventsAuth(url: string, timeoutMs?: number) {
  const t = createTestAuth({ events: { url, secret: SECRET, ...(timeoutMs ? { timeoutMs } : {}) } });
  cleanups.push(() => t.store.close());
  return t;
}

const headersOf = (req: WebhookRequest) => req.headers as Record<string, string>;
const verify = (req: WebhookRequest, secret = SECRET) => new Webhook(secret).verify(req.raw, headersOf(req));
const eventRows = (t: ReturnType<typeof eventsAuth>) => t.sql.all("SELECT * FROM outbox WHERE channel = 'event' ORDER BY id");

describe("events webhook: the request", () => {
  it("is a JSON POST with webhook-id, webhook-timestamp and webhook-signature that Webhook.verify accepts", async () => {
    const r = await receiver();
    const t = eventsAuth(r.url);
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    expect(await retryPending(t.auth.ctx)).toBe(3);

    expect(r.requests.map((q) => JSON.parse(q.raw).type)).toEqual(["user.created", "user.verified", "session.created"]);
    const rows = await eventRows(t);
    for (const [i, req] of r.requests.entries()) {
      expect(req.method).toBe("POST");
      expect(req.headers["content-type"]).toBe("application/json");
      expect(req.headers["webhook-id"]).toBe(webhookId({ id: Number(rows[i]!.id), createdAt: Number(rows[i]!.created_at) }));
      expect(req.headers["webhook-timestamp"]).toBe(String(Math.floor(Date.now() / 1000)));
      expect(req.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(verify(req)).toEqual(JSON.parse(req.raw));
    }
    expect(JSON.parse(r.requests[2]!.raw)).toEqual({
      type: "session.created",
      timestamp: new Date(Date.now()).toISOString(),
      data: { userId: s.user.id, sessionId: s.session.id, method: "signup" },
    });
    // Once sent, a row keeps no copy of the event.
    expect(rows.map((row) => [row.status, row.text])).toEqual(Array(3).fill(["sent", "[redacted]"]));
  });

  it("does not verify with another secret, another body, another id or an old timestamp", async () => {
    const r = await receiver();
    const t = eventsAuth(r.url);
    await t.auth.createAccount({ phone: "0881829915" });
    await retryPending(t.auth.ctx);
    const req = r.requests[0]!;
    expect(() => verify(req, OTHER_SECRET)).toThrow("No matching signature found");
    expect(() => verify({ ...req, raw: req.raw.replace('"userId":', '"userId": ') })).toThrow("No matching signature found");
    expect(() => verify({ ...req, headers: { ...req.headers, "webhook-id": "msg_1_x" } })).toThrow("No matching signature found");
    clock.advanceSec(6 * 60);
    expect(() => verify(req)).toThrow("Message timestamp too old");
  });

  it("gives each row its own webhook-id, apart from those of a new database's rows of the same ids", () => {
    expect(webhookId({ id: 1, createdAt: 1_700_000_000_000 })).not.toBe(webhookId({ id: 1, createdAt: 1_800_000_000_000 }));
    expect(webhookId({ id: 1, createdAt: 1_700_000_000_000 })).not.toBe(webhookId({ id: 2, createdAt: 1_700_000_000_000 }));
  });
});

describe("events webhook: failures and retries", () => {
  it("a first delivery refused (500) is retried after the wait with the same id and body, signed anew", async () => {
    const r = await receiver();
    r.replies.push({ status: 500 });
    const t = eventsAuth(r.url);
    await t.auth.createAccount({ email: EMAIL, password: PASSWORD });
    expect(await retryPending(t.auth.ctx)).toBe(0);
    const [failed] = await eventRows(t);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, error: "events webhook answered 500", next_attempt_at: Date.now() + EVENT_RETRY_DELAYS_MS[0]! });

    // Not before its time.
    clock.advanceSec(EVENT_RETRY_DELAYS_MS[0]! / 1000 - 1);
    expect(await retryPending(t.auth.ctx)).toBe(0);
    expect(r.requests).toHaveLength(1);
    clock.advanceSec(1);
    expect(await retryPending(t.auth.ctx)).toBe(1);
    const [first, second] = r.requests;
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.raw).toBe(first!.raw);
    expect(Number(second!.headers["webhook-timestamp"])).toBe(Number(first!.headers["webhook-timestamp"]) + EVENT_RETRY_DELAYS_MS[0]! / 1000);
    expect(second!.headers["webhook-signature"]).not.toBe(first!.headers["webhook-signature"]);
    expect(verify(second!)).toMatchObject({ type: "user.created" });
    expect((await eventRows(t))[0]).toMatchObject({ status: "sent", attempts: 2, error: "events webhook answered 500" });
  });

  it("keeps trying on the Standard Webhooks schedule for hours, then gives up", async () => {
    const r = await receiver();
    r.fallback = { status: 503 };
    const t = eventsAuth(r.url);
    await t.auth.createAccount({ phone: "0881829915" });
    await retryPending(t.auth.ctx);
    for (const wait of EVENT_RETRY_DELAYS_MS) {
      clock.advanceSec(wait / 1000);
      await retryPending(t.auth.ctx);
    }
    expect(r.requests).toHaveLength(EVENT_RETRY_DELAYS_MS.length + 1);
    expect(new Set(r.requests.map((q) => q.headers["webhook-id"])).size).toBe(1);
    expect((await eventRows(t))[0]).toMatchObject({ status: "failed", attempts: EVENT_RETRY_DELAYS_MS.length + 1, next_attempt_at: null });
    clock.advanceSec(24 * 3600);
    await retryPending(t.auth.ctx);
    expect(r.requests).toHaveLength(EVENT_RETRY_DELAYS_MS.length + 1);
  });

  it("a receiver that never answers: the try times out and is retried", async () => {
    const r = await receiver();
    r.replies.push("hang");
    const t = eventsAuth(r.url, 200);
    await t.auth.createAccount({ phone: "0881829915" });
    expect(await retryPending(t.auth.ctx)).toBe(0);
    expect((await eventRows(t))[0]).toMatchObject({ status: "failed", error: "events webhook timed out after 200 ms" });
    clock.advanceSec(EVENT_RETRY_DELAYS_MS[0]! / 1000);
    expect(await retryPending(t.auth.ctx)).toBe(1);
  });

  it("the workers of two instances on one store send each event once", async () => {
    const r = await receiver();
    r.replies.push({ status: 500 });
    const t = eventsAuth(r.url);
    const other = createAuth({ store: t.store, options: { secret: TEST_SECRET, argon2: TEST_ARGON2, dataDir: t.dataDir, events: { url: r.url, secret: SECRET } }, logger: memoryLogger() });
    for (let i = 0; i < 5; i++) await t.auth.createAccount({ phone: `08818299${10 + i}` });
    for (let i = 0; i < 5; i++) await other.createAccount({ phone: `08818299${20 + i}` });
    await Promise.all([retryPending(t.auth.ctx, 3), retryPending(other.ctx, 3), retryPending(t.auth.ctx, 3), retryPending(other.ctx, 3)]);
    clock.advanceSec(EVENT_RETRY_DELAYS_MS[0]! / 1000);
    await Promise.all([retryPending(t.auth.ctx), retryPending(other.ctx)]);
    const delivered = r.requests.slice(1).map((q) => q.headers["webhook-id"]);
    expect(delivered).toHaveLength(10);
    expect(new Set(delivered).size).toBe(10);
    expect(delivered).toContain(r.requests[0]!.headers["webhook-id"]);
    for (const req of r.requests) expect(verify(req)).toMatchObject({ type: "user.created" });
  });

  it("the worker takes batch after batch in one pass, so a busy minute's events do not wait for later passes", async () => {
    const r = await receiver();
    const t = eventsAuth(r.url);
    for (let i = 0; i < 7; i++) await t.auth.createAccount({ phone: `08818299${10 + i}` });
    const worker = startDeliveryWorker(t.auth.ctx, 60_000, 2);
    await worker.tick();
    await worker.stop();
    expect(r.requests).toHaveLength(7);
  });
});
