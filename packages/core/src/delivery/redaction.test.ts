/**
 * Hole 9: once a real transport has taken a message (or it can no longer be sent), its outbox
 * row keeps no code, text, html or link in clear. Someone who reads the database (a backup,
 * a stolen disk, an admin) learns who was sent what, when, but no code or reset link.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { OutboxMessage } from "@authsvc/store";
import { authError, cleanupsEachTest, fakeClockEachTest, outboxRows, PASSWORD, tableRows } from "../test-helpers";
import { createTestAuth } from "../testing";
import { MAX_ATTEMPTS, retryDelayMs, retryPending } from "./deliver";
import { REDACTED } from "@authsvc/store";
import type { OutgoingMessage, Transport } from "./transport";

const EMAIL = "ana@example.com";
const PHONE = "081234567890";

const clock = fakeClockEachTest();
const cleanups = cleanupsEachTest();

/** A provider that records what it was given and fails while `failing` is set. */
function provider(name: string) {
  const sent: OutgoingMessage[] = [];
  const state = { failing: false };
  const transport: Transport = {
    name,
    send: async (m) => {
      if (state.failing) throw new Error(`${name} is down`);
      sent.push({ ...m });
    },
  };
  return { sent, state, transport };
}

function withProviders() {
  const email = provider("test-smtp");
  const sms = provider("test-sms");
  const t = createTestAuth({}, { transports: { email: email.transport, sms: sms.transport } });
  cleanups.push(() => t.store.close(), () => rmSync(t.dataDir, { recursive: true, force: true }));
  return { ...t, email, sms };
}

const rows = (t: Pick<ReturnType<typeof createTestAuth>, "store">): Promise<OutboxMessage[]> => outboxRows(t);
/** Until no message waits for its first try: a flow may send after it has answered. */
async function settled(t: Pick<ReturnType<typeof createTestAuth>, "store">): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (!(await rows(t)).some((r) => r.status === "sending")) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("a message stayed queued");
}

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;

function expectRedacted(row: OutboxMessage | undefined) {
  expect(row).toBeDefined();
  expect(row!.code).toBeNull();
  expect(row!.text).toBe(REDACTED);
  if (row!.channel === "email") expect(row!.html).toBe(REDACTED);
  else expect(row!.html).toBeNull();
}

describe("outbox rows after a real transport took the message", () => {
  it("a delivered email keeps no code, text, html or link; the subject and the record stay", async () => {
    const t = withProviders();
    const pending = await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    await settled(t);
    const [mail] = t.email.sent;
    const code = codeIn(mail!.text);

    const [row] = (await rows(t));
    expect(row).toMatchObject({ channel: "email", to: EMAIL, purpose: "signup", status: "sent", attempts: 1, subject: "Your sign-up code" });
    expectRedacted(row);
    expect(JSON.stringify(row)).not.toContain(code);
    // The message that went out is the one that works.
    await expect(t.auth.completeRegistration({ verificationId: pending.verificationId, code }, { type: "jwt" })).resolves.toBeDefined();
  });

  it("a delivered reset email keeps no link and no code", async () => {
    const t = withProviders();
    await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    await settled(t);
    await t.auth.completeRegistration({ verificationId: (await rows(t))[0]!.challengeId!, code: codeIn(t.email.sent[0]!.text) }, { type: "jwt" });
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    await t.auth.listOutbox(); // the reset message is written after the answer (issue 19, item 8)
    await settled(t);
    const mail = t.email.sent.find((m) => m.purpose === "password_reset")!;
    const token = /reset-password\?token=(\S+)/.exec(mail.text)![1]!;
    const row = (await rows(t)).find((r) => r.purpose === "password_reset");
    expectRedacted(row);
    const stored = JSON.stringify(await tableRows(t, "outbox"));
    expect(stored).not.toContain(decodeURIComponent(token));
    expect(stored).not.toContain("reset-password");
  });

  it("a delivered SMS keeps no code or text", async () => {
    const t = withProviders();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    await settled(t);
    expect(t.sms.sent).toHaveLength(1);
    expectRedacted((await rows(t))[0]);
  });

  it("a failed message keeps its text while it can be retried, and none once the retries are given up", async () => {
    const t = withProviders();
    t.sms.state.failing = true;
    expect((await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }))).code).toBe("DELIVERY_FAILED");
    const [waiting] = (await rows(t));
    expect(waiting).toMatchObject({ status: "failed", attempts: 1 });
    expect(waiting!.text).toMatch(/\d{6}/);
    expect(waiting!.code).toMatch(/^\d{6}$/);

    // Retries within the code's life, all failing, until the last one gives up.
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) {
      clock.advanceSec(retryDelayMs(attempts) / 1000);
      await retryPending(t.auth.ctx);
    }
    const [gaveUp] = (await rows(t));
    expect(gaveUp).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    expectRedacted(gaveUp);
  });

  it("a failed message whose code was replaced is not retried and keeps no text", async () => {
    const t = withProviders();
    t.sms.state.failing = true;
    await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    t.sms.state.failing = false;
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }); // a new code replaces the first
    await settled(t);
    clock.advanceSec(retryDelayMs(1) / 1000);
    expect(await retryPending(t.auth.ctx)).toBe(0);
    const [first, second] = (await rows(t));
    expect(first).toMatchObject({ status: "failed", error: "code no longer valid", nextAttemptAt: null });
    expectRedacted(first);
    expectRedacted(second);
    expect(t.sms.sent).toHaveLength(1);
  });

  it("a retry that succeeds leaves no text behind either", async () => {
    const t = withProviders();
    t.sms.state.failing = true;
    await authError(t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }));
    t.sms.state.failing = false;
    clock.advanceSec(retryDelayMs(1) / 1000);
    expect(await retryPending(t.auth.ctx)).toBe(1);
    expect(t.sms.sent[0]!.text).toMatch(/\d{6}/); // the provider got the real message
    expectRedacted((await rows(t))[0]);
  });
});

describe("the embedded outbox-only transport (dev outbox)", () => {
  it("keeps the code and text readable: the row is the delivery", async () => {
    const { auth, store } = createTestAuth();
    cleanups.push(() => store.close());
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    const [row] = (await auth.listOutbox(PHONE));
    expect(row!.code).toMatch(/^\d{6}$/);
    expect(row!.text).toContain(row!.code!);
  });
});
