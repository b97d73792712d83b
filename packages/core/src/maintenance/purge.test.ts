/**
 * Hole 9: what the scheduled purge keeps and what goes. Time is moved with a fake Date; the
 * purge is called directly (the schedule is tested once at the end).
 */
import { rmSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import type { AuthOptionsInput } from "../options";
import { deliver } from "../delivery/deliver";
import { REDACTED } from "@authsvc/store";
import { cleanupsEachTest, fakeClockEachTest, lastCode, outboxRows, PASSWORD, phoneSignIn, rowCount, signUp, tableRows } from "../test-helpers";
import { createTestAuth } from "../testing";
import { Secret, TOTP } from "otpauth";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
const EMAIL = "ana@example.com";
const PHONE = "081234567890";
const E164 = "+6281234567890";

const clock = fakeClockEachTest();
const cleanups = cleanupsEachTest();

function service(options: Partial<AuthOptionsInput> = {}) {
  const t = createTestAuth(options as Partial<AuthOptionsInput>);
  cleanups.push(() => t.store.close(), () => rmSync(t.dataDir, { recursive: true, force: true }));
  return t;
}
type T = ReturnType<typeof service>;

/** Until no message waits for its first try: a flow may send after it has answered. */
async function settled(t: T): Promise<void> {
  await t.auth.listOutbox(); // waits for what a flow writes after its answer (forgot password)
  for (let i = 0; i < 200; i++) {
    if (!(await outboxRows(t)).some((r) => r.status === "sending")) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("a message stayed queued");
}
const rows = (t: T, table: string) => tableRows(t, table);
const count = (t: T, table: string) => rowCount(t, table);

describe("pending registrations", () => {
  it("lose their password hash as soon as their code expires, and the row goes after the grace period", async () => {
    const t = service();
    await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    const pending = async () => (await rows(t, "challenges")).filter((r) => r.purpose === "signup");

    clock.advanceSec(4 * MIN);
    await t.auth.purgeExpired();
    expect(JSON.stringify((await pending())[0]!.payload)).toContain("$argon2"); // still pending: kept

    clock.advanceSec(1 * MIN); // the code's five minutes are over
    await t.auth.purgeExpired();
    expect((await pending())).toHaveLength(1);
    expect((await pending())[0]!.payload).toBeNull();
    expect(JSON.stringify((await rows(t, "challenges")))).not.toContain("$argon2");

    clock.advanceSec(DAY);
    await t.auth.purgeExpired();
    expect((await pending())).toHaveLength(0);
  });

  it("a registration still pending keeps its payload and can be completed after a purge", async () => {
    const t = service();
    const started = await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    clock.advanceSec(2 * MIN);
    await t.auth.purgeExpired();
    const signedIn = await t.auth.completeRegistration({ verificationId: started.verificationId, code: (await lastCode(t.auth, EMAIL)) }, { type: "jwt" });
    expect(signedIn.user.email).toBe(EMAIL);
  });
});

describe("other challenges", () => {
  it("stay for the grace period after they expire (so late answers still say 'expired'), then go", async () => {
    const t = service();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    clock.advanceSec(5 * MIN + 23 * HOUR);
    await t.auth.purgeExpired();
    expect((await count(t, "challenges"))).toBe(1);
    clock.advanceSec(HOUR);
    await t.auth.purgeExpired();
    expect((await count(t, "challenges"))).toBe(0);
  });
});

describe("the dev outbox (embedded transport)", () => {
  it("keeps a code readable until it expires, then keeps only the record", async () => {
    const t = service();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    await settled(t);
    const code = (await lastCode(t.auth, PHONE));
    clock.advanceSec(4 * MIN);
    await t.auth.purgeExpired();
    expect((await t.auth.listOutbox(PHONE))[0]).toMatchObject({ code, status: "sent" });

    clock.advanceSec(MIN);
    await t.auth.purgeExpired();
    const [row] = (await t.auth.listOutbox(PHONE));
    expect(row).toMatchObject({ to: E164, purpose: "login", status: "sent", code: null, text: REDACTED });
    expect(JSON.stringify((await rows(t, "outbox")))).not.toContain(code);
  });

  it("a used code is redacted at the next purge, before its time is up", async () => {
    const t = service();
    await phoneSignIn(t.auth, PHONE);
    await settled(t);
    await t.auth.purgeExpired();
    expect((await t.auth.listOutbox(PHONE))[0]).toMatchObject({ code: null, text: REDACTED });
  });

  it("a message without a code (the password-changed notice) keeps its text for the code lifetime", async () => {
    const t = service();
    await deliver(t.auth.ctx, { channel: "email", to: EMAIL, purpose: "password_changed", minutes: 0 });
    await settled(t);
    clock.advanceSec(4 * MIN);
    await t.auth.purgeExpired();
    expect((await t.auth.listOutbox(EMAIL))[0]!.text).not.toBe(REDACTED);
    clock.advanceSec(MIN);
    await t.auth.purgeExpired();
    expect((await t.auth.listOutbox(EMAIL))[0]).toMatchObject({ text: REDACTED, subject: expect.any(String) });
    expect((await rows(t, "outbox"))[0]!.html).toBe(REDACTED);
  });

  it("a reset email keeps its link while the link is good, then loses it", async () => {
    const t = service();
    await signUp(t.auth, { email: EMAIL });
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    await settled(t);
    const reset = async () => (await t.auth.listOutbox(EMAIL)).find((m) => m.purpose === "password_reset")!;
    expect((await reset()).text).toContain("/reset-password?token=");
    clock.advanceSec(29 * MIN); // the code is dead, the link is not
    await t.auth.purgeExpired();
    expect((await reset()).text).toContain("/reset-password?token=");
    clock.advanceSec(MIN);
    await t.auth.purgeExpired();
    expect(await reset()).toMatchObject({ code: null, text: REDACTED });
  });

  it("rows are deleted once older than the outbox retention", async () => {
    const t = service();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    clock.advanceSec(29 * DAY);
    await t.auth.requestPhoneCode({ phone: "081234567891", createIfMissing: true });
    await settled(t);
    await t.auth.purgeExpired();
    expect((await count(t, "outbox"))).toBe(2);
    clock.advanceSec(DAY);
    await t.auth.purgeExpired();
    expect((await rows(t, "outbox")).map((r) => r.to)).toEqual(["+6281234567891"]);
  });
});

describe("tokens, sessions and limits", () => {
  it("a reset link's token row goes after its expiry and the grace period", async () => {
    const t = service();
    await signUp(t.auth, { email: EMAIL });
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    await settled(t);
    const resetTokens = async () => (await rows(t, "opaque_tokens")).filter((r) => r.kind === "password_reset");
    expect((await resetTokens())).toHaveLength(1);
    clock.advanceSec(30 * MIN + 23 * HOUR);
    await t.auth.purgeExpired();
    expect((await resetTokens())).toHaveLength(1);
    clock.advanceSec(HOUR);
    await t.auth.purgeExpired();
    expect((await resetTokens())).toHaveLength(0);
  });

  it("an expired session goes after the grace period; a live one stays", async () => {
    const t = service();
    await phoneSignIn(t.auth, PHONE);
    clock.advanceSec(29 * DAY);
    const fresh = await phoneSignIn(t.auth, "081234567891");
    clock.advanceSec(DAY + DAY);
    await t.auth.purgeExpired();
    const left = (await rows(t, "sessions"));
    expect(left).toHaveLength(1);
    expect(left[0]!.id).toBe(fresh.session.id);
  });

  it("rate-limit rows stay while any window could still be running, then go", async () => {
    const t = service();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }, { ip: "198.51.100.7" });
    const keys = async () => (await rows(t, "rate_limits")).map((r) => String(r.key)).sort();
    const written = (await keys());
    expect(written.some((k) => k.startsWith("code-send-d:"))).toBe(true); // the daily cap per destination
    clock.advanceSec(23 * HOUR); // the daily cap's window is still open: nothing may go yet
    await t.auth.purgeExpired();
    expect((await keys())).toEqual(written);
    clock.advanceSec(2 * DAY);
    await t.auth.purgeExpired();
    expect((await keys())).toEqual([]);
  });
});

describe("audit retention", () => {
  it("deletes audit events older than the retention, keeps younger ones", async () => {
    const t = service({ retention: { auditDays: 10 } });
    await phoneSignIn(t.auth, PHONE);
    const old = (await count(t, "audit_events"));
    expect(old).toBeGreaterThan(0);
    clock.advanceSec(10 * DAY);
    await phoneSignIn(t.auth, "081234567891");
    const young = (await count(t, "audit_events")) - old;
    clock.advanceSec(1);
    const report = await t.auth.purgeExpired();
    expect((await count(t, "audit_events"))).toBe(young);
    expect(report.auditEvents).toBe(old);
  });

  it("0 keeps audit events for ever", async () => {
    const t = service({ retention: { auditDays: 0 } });
    await phoneSignIn(t.auth, PHONE);
    const before = (await count(t, "audit_events"));
    clock.advanceSec(5000 * DAY);
    await t.auth.purgeExpired();
    expect((await count(t, "audit_events"))).toBe(before);
  });

  it("by default keeps a year", async () => {
    const t = service();
    await phoneSignIn(t.auth, PHONE);
    const before = (await count(t, "audit_events"));
    clock.advanceSec(364 * DAY);
    await t.auth.purgeExpired();
    expect((await count(t, "audit_events"))).toBe(before);
    clock.advanceSec(DAY);
    await t.auth.purgeExpired();
    expect((await count(t, "audit_events"))).toBe(0);
  });
});

describe("batches and schedule", () => {
  it("deletes a backlog larger than one batch, in batches", async () => {
    const t = service({ retention: { auditDays: 1 } });
    const insert = () => t.sql.run("INSERT INTO audit_events (at, kind, outcome) VALUES (?, 'x', 'ok')", Date.now());
    for (let i = 0; i < 25; i++) await insert();
    clock.advanceSec(DAY + 1);
    await insert();
    const report = await t.auth.purgeExpired({ batchSize: 4 });
    expect(report.auditEvents).toBe(25);
    expect((await count(t, "audit_events"))).toBe(1);
  });

  it("startMaintenance purges on its interval until stopped", async () => {
    const t = service();
    await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    clock.advanceSec(6 * MIN);
    // The interval is the fake clock's: every advance of it fires the timer.
    const now = Date.now();
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    vi.setSystemTime(now);
    const maintenance = t.auth.startMaintenance(60_000);
    await maintenance.tick(); // after the first pass, which runs at the start
    expect((await rows(t, "challenges"))[0]!.payload).toBeNull();
    await t.auth.startRegistration({ email: "bo@example.com", password: PASSWORD });
    const bo = async () => (await rows(t, "challenges")).find((r) => r.destination === "bo@example.com")!.payload;
    clock.advanceSec(6 * MIN); // six intervals
    await maintenance.tick(); // after the passes those fired
    expect(await bo()).toBeNull();
    // Stopped: no more purges.
    await maintenance.stop();
    await t.auth.startRegistration({ email: "cy@example.com", password: PASSWORD });
    clock.advanceSec(6 * MIN);
    await maintenance.tick();
    expect((await rows(t, "challenges")).find((r) => r.destination === "cy@example.com")!.payload).not.toBeNull();
  });
});

describe("authenticator-app enrolments left half-way", () => {
  it("go, sealed secret and all, once they can no longer be confirmed and the grace period is over; a confirmed app stays", async () => {
    const t = service();
    const signedIn = await signUp(t.auth, { email: EMAIL });
    const principal = await t.auth.authenticate(signedIn.token);
    const abandoned = await t.auth.startTotp(principal, { name: "Old phone" });
    // Another account's app, confirmed long before the purge.
    const other = await signUp(t.auth, { email: "bo@example.com" });
    const otherPrincipal = await t.auth.authenticate(other.token);
    const kept = await t.auth.startTotp(otherPrincipal, {});
    await t.auth.confirmTotp(otherPrincipal, { factorId: kept.factorId, code: TOTP.generate({ secret: Secret.fromBase32(kept.secret), timestamp: Date.now() }) });

    const { secondFactor, retention } = t.auth.options;
    clock.advanceSec(secondFactor.enrolmentTtlSec + retention.graceSec - 1);
    expect((await t.auth.purgeExpired()).unconfirmedFactors).toBe(0);
    clock.advanceSec(1);
    expect((await t.auth.purgeExpired()).unconfirmedFactors).toBe(1);
    const left = await rows(t, "second_factors");
    expect(left.map((f) => f.id)).toEqual([kept.factorId]);
    expect(left.map((f) => f.id)).not.toContain(abandoned.factorId);
  });
});
