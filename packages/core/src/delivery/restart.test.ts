/**
 * The outbox outlives the process: a message a process claimed and stopped before its
 * provider answered is sent, once the claim lapses, by a delivery worker of the next
 * process over the same database file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { createSqliteStore, createSqliteDatabase, outbox, type Db } from "@authsvc/testing/sqlite";
import { createAuth } from "../auth";
import { cleanupsEachTest, fakeClockEachTest, PASSWORD } from "../test-helpers";
import { memoryLogger, TEST_SECRET } from "../testing";
import type { Transport } from "./transport";
import { CLAIM_MS } from "./deliver";
import { smsWebhookTransport } from "./sms-webhook";
import { smtpTransport } from "./smtp";
import { codeIn, startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from "@authsvc/testing/receivers";

const SECRET = "webhook-shared-secret-0123456789";
const PHONE = "0881829915";
const EMAIL = "ana@example.com";

const clock = fakeClockEachTest();
const cleanups = cleanupsEachTest();
let dir: string;
let receiver: WebhookReceiver;
let smtp: SmtpReceiver;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "authsvc-restart-"));
  receiver = await startWebhookReceiver();
  smtp = await startSmtpReceiver();
  cleanups.push(() => receiver.close(), () => smtp.close(), () => rmSync(dir, { recursive: true, force: true }));
});

/** A provider that accepts the message and never answers: the process stops before it does. */
function stuckTransport(): Transport & { calls: number } {
  const t = {
    name: "stuck",
    calls: 0,
    send: () => {
      t.calls++;
      return new Promise<void>(() => {});
    },
  };
  return t;
}

/** One "process": its own connection to the database file and its own Auth. */
function processOver(transports: Parameters<typeof createAuth>[0]["transports"]) {
  const db: Db = createSqliteDatabase(`file:${path.join(dir, "auth.db")}`);
  const auth = createAuth({ store: createSqliteStore(db), options: { secret: TEST_SECRET, dataDir: dir }, logger: memoryLogger(), transports });
  let closed = false;
  const close = () => {
    if (!closed) db.$client.close();
    closed = true;
  };
  cleanups.push(close);
  return { db, auth, close };
}

const realTransports = () => {
  const email = smtpTransport({ url: smtp.url, from: "no-reply@authsvc.test", timeoutMs: 2_000 });
  cleanups.push(() => email.close());
  return { email, sms: smsWebhookTransport({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 }) };
};

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("queued messages across a restart", () => {
  it("a message left queued by a stopped process is sent by the next process's worker", async () => {
    // First process: both providers take the message and never answer; then the process stops.
    const stuck = stuckTransport();
    const first = processOver({ sms: stuck, email: stuck });
    void first.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }).catch(() => undefined);
    void first.auth.startRegistration({ email: EMAIL, password: PASSWORD }).catch(() => undefined);
    await until(() => stuck.calls === 2, "both sends to start");
    const left = first.db.select().from(outbox).orderBy(outbox.id).all();
    expect(left.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ["sms", "sending", 0],
      ["email", "sending", 0],
    ]);
    first.close();

    // The stopped process's claims lapse; then any worker, of any process, may send them.
    clock.advanceSec(CLAIM_MS / 1000 + 1);
    const second = processOver(realTransports());
    const worker = second.auth.startDeliveryWorker(50);
    cleanups.push(() => worker.stop());
    const sms = await receiver.waitForRequest(1);
    const mail = await smtp.waitForMail(1);
    await worker.stop();

    const after = second.db.select().from(outbox).orderBy(outbox.id).all();
    expect(after.map((r) => [r.channel, r.status, r.attempts, r.error])).toEqual([
      ["sms", "sent", 1, null],
      ["email", "sent", 1, null],
    ]);
    expect(sms.json).toMatchObject({ id: left[0]!.id, to: "+62881829915", purpose: "login" });
    expect(mail.subject).toBe("Your sign-up code");

    // The codes the providers finally got still work in the new process.
    await expect(second.auth.loginWithPhoneCode({ phone: PHONE, code: codeIn(sms.json!.text) }, { type: "jwt" })).resolves.toBeDefined();
    expect(receiver.requests).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
  });

  it("the worker leaves alone a message whose sender's claim still holds", async () => {
    const stuck = stuckTransport();
    const p = processOver({ sms: stuck });
    // Stepped by hand: its own interval never comes within the test.
    const worker = p.auth.startDeliveryWorker(3_600_000);
    cleanups.push(() => worker.stop());
    clock.advanceSec(1);
    void p.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }).catch(() => undefined);
    await until(() => stuck.calls === 1, "the send to start");
    for (let i = 0; i < 3; i++) await worker.tick();
    clock.advanceSec(CLAIM_MS / 1000 - 2);
    await worker.tick();
    await worker.stop();
    expect(stuck.calls).toBe(1);
    expect(p.db.select().from(outbox).all()).toMatchObject([{ status: "sending", attempts: 0 }]);
  });

  it("a claimed message whose code expired meanwhile is not sent after the restart", async () => {
    const stuck = stuckTransport();
    const first = processOver({ sms: stuck });
    void first.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }).catch(() => undefined);
    await until(() => stuck.calls === 1, "the send to start");
    first.close();

    // Past the code's 5 minutes.
    clock.advanceSec(301);
    const second = processOver(realTransports());
    const worker = second.auth.startDeliveryWorker(20);
    cleanups.push(() => worker.stop());
    await until(() => second.db.select().from(outbox).get()?.status === "failed", "the row to be settled");
    await worker.stop();
    expect(second.db.select().from(outbox).get()).toMatchObject({ status: "failed", error: "code no longer valid", nextAttemptAt: null });
    expect(receiver.requests).toHaveLength(0);
  });
});
