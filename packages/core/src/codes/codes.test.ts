import { describe, expect, it } from "vitest";
import { auditOf, authError, fakeClockEachTest, lastCode, tally } from "../test-helpers";
import { createTestAuth, planCodes } from "../testing";

/**
 * The one-time code engine, driven through the phone-login flow (purpose "login", SMS):
 * expiry, single use, wrong tries, lockout, resend cooldown and hourly cap.
 */
const PHONE = "0881829915";
const E164 = "+62881829915";

const clock = fakeClockEachTest();

/** A code different from the right one. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

async function requestCode(auth: ReturnType<typeof createTestAuth>["auth"], phone = PHONE) {
  const sent = await auth.requestPhoneCode({ phone, createIfMissing: true });
  return { userId: sent.user!.id, code: (await lastCode(auth, phone)) };
}

describe("a code", () => {
  it("is 6 digits, sent by SMS to the E.164 number, and only its hash is stored", async () => {
    const { auth, sql } = createTestAuth();
    const { code } = await requestCode(auth);
    expect(code).toMatch(/^\d{6}$/);
    const [msg] = (await auth.listOutbox(E164));
    expect(msg).toMatchObject({ channel: "sms", to: E164, purpose: "login" });
    expect(msg!.text).toContain(code);
    const stored = await sql.all("SELECT code_hash FROM challenges");
    expect(stored).toHaveLength(1);
    expect(stored[0]!.code_hash).not.toContain(code);
  });

  it("keeps a leading zero: the code a test picks (newCode) is sent and checked as 6 digits", async () => {
    const { auth } = createTestAuth({}, { newCode: () => "012345" });
    const { code } = await requestCode(auth);
    expect(code).toBe("012345");
    expect((await authError(auth.loginWithPhoneCode({ phone: PHONE, code: "12345" }, { type: "jwt" }))).code).toBe("INVALID_CODE");
    expect((await auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" })).user.phone).toBe(E164);
  });

  it("still works 4:59 after it was sent", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    clock.advanceSec(299);
    await expect(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" })).resolves.toMatchObject({ tokenType: "jwt" });
  });

  it("expires after 5 minutes with CODE_EXPIRED", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    clock.advanceSec(300);
    expect((await authError(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" }))).code).toBe("CODE_EXPIRED");
  });

  it("is single-use", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    await auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" });
    expect((await authError(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" }))).code).toBe("INVALID_CODE");
  });

  it("dies when a new one is sent", async () => {
    const { auth } = createTestAuth();
    planCodes(auth, "111111", "222222");
    const { userId, code: first } = await requestCode(auth);
    clock.advanceSec(60);
    await auth.resendPhoneCode({ userId, phone: PHONE });
    const second = (await lastCode(auth, PHONE));
    expect([first, second]).toEqual(["111111", "222222"]);
    expect((await authError(auth.loginWithPhoneCode({ phone: PHONE, code: first }, { type: "jwt" }))).code).toBe("INVALID_CODE");
    await expect(auth.loginWithPhoneCode({ phone: PHONE, code: second }, { type: "jwt" })).resolves.toBeDefined();
  });

  it("is good for its purpose only: a login code does not reset a password", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    const e = await authError(auth.resetPasswordWithCode({ identifier: PHONE, code, newPassword: "a brand new passphrase" }));
    expect(e.code).toBe("INVALID_CODE");
    await expect(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" })).resolves.toBeDefined();
  });

  it("asked for five times at once is sent once; the others wait out the cooldown", async () => {
    const { auth, sql } = createTestAuth();
    await auth.createAccount({ phone: PHONE });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => auth.requestPhoneCode({ phone: PHONE, createIfMissing: false })));
    expect(tally(results)).toEqual({ ok: 1, RESEND_COOLDOWN: 4 });
    expect(await auth.listOutbox(E164)).toHaveLength(1);
    expect(await sql.all("SELECT id FROM challenges")).toHaveLength(1);
  });

  it("verified twice at the same time succeeds exactly once", async () => {
    const { auth, sql } = createTestAuth();
    const { code, userId } = await requestCode(auth);
    const results = await Promise.allSettled([
      auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" }),
      auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" }),
    ]);
    expect(tally(results)).toEqual({ ok: 1, INVALID_CODE: 1 });
    expect(await sql.all("SELECT id FROM sessions WHERE user_id = ?", userId)).toHaveLength(1);
    expect(await auditOf({ sql }, "code_verified")).toHaveLength(1);
  });
});

describe("wrong codes", () => {
  it("count down the tries left", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    for (const left of [4, 3, 2, 1]) {
      const e = await authError(auth.loginWithPhoneCode({ phone: PHONE, code: wrong(code) }, { type: "jwt" }));
      expect(e.code).toBe("INVALID_CODE");
      expect(e.detail.attemptsLeft).toBe(left);
    }
    // A right code after 4 wrong ones still works, and clears the count.
    await expect(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" })).resolves.toBeDefined();
  });

  it("lock after 5: TOO_MANY_ATTEMPTS, the right code refused, no resend until the 15-minute lock ends", async () => {
    const { auth, sql } = createTestAuth();
    const { userId, code } = await requestCode(auth);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await authError(auth.loginWithPhoneCode({ phone: PHONE, code: wrong(code) }, { type: "jwt" }))).code);
    }
    expect(codes).toEqual(["INVALID_CODE", "INVALID_CODE", "INVALID_CODE", "INVALID_CODE", "TOO_MANY_ATTEMPTS"]);
    expect(await auditOf({ sql }, "lockout")).toHaveLength(1);

    const locked = await authError(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" }));
    expect(locked.code).toBe("TOO_MANY_ATTEMPTS");

    clock.advanceSec(120);
    const resend = await authError(auth.resendPhoneCode({ userId, phone: PHONE }));
    expect(resend.code).toBe("TOO_MANY_ATTEMPTS");
    expect(resend.detail.retryAfterSec).toBe(900 - 120);
    expect((await authError(auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }))).code).toBe("TOO_MANY_ATTEMPTS");
    expect((await auth.listOutbox(PHONE))).toHaveLength(1);

    clock.advanceSec(900 - 120 - 1);
    expect((await authError(auth.resendPhoneCode({ userId, phone: PHONE }))).code).toBe("TOO_MANY_ATTEMPTS");

    clock.advanceSec(1);
    // The lock has passed; the code, which one requester's five tries did not kill, has expired meanwhile.
    const dead = await authError(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" }));
    expect(dead.code).toBe("CODE_EXPIRED");
    await auth.resendPhoneCode({ userId, phone: PHONE });
    expect((await auth.listOutbox(PHONE))).toHaveLength(2);
    const fresh = (await lastCode(auth, PHONE));
    const signedIn = await auth.loginWithPhoneCode({ phone: PHONE, code: fresh }, { type: "jwt" });
    expect(signedIn.user.id).toBe(userId);
  });

  it("carry over to a resent code: 3 wrong, resend, 2 wrong locks", async () => {
    const { auth } = createTestAuth();
    const { userId, code } = await requestCode(auth);
    for (let i = 0; i < 3; i++) await authError(auth.loginWithPhoneCode({ phone: PHONE, code: wrong(code) }, { type: "jwt" }));
    clock.advanceSec(60);
    await auth.resendPhoneCode({ userId, phone: PHONE });
    const next = (await lastCode(auth, PHONE));
    const fourth = await authError(auth.loginWithPhoneCode({ phone: PHONE, code: wrong(next) }, { type: "jwt" }));
    expect(fourth.code).toBe("INVALID_CODE");
    expect(fourth.detail.attemptsLeft).toBe(1);
    expect((await authError(auth.loginWithPhoneCode({ phone: PHONE, code: wrong(next) }, { type: "jwt" }))).code).toBe("TOO_MANY_ATTEMPTS");
    expect((await authError(auth.loginWithPhoneCode({ phone: PHONE, code: next }, { type: "jwt" }))).code).toBe("TOO_MANY_ATTEMPTS");
  });

  it("that are not even 6 digits count as wrong tries", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    const e = await authError(auth.loginWithPhoneCode({ phone: PHONE, code: "12ab" }, { type: "jwt" }));
    expect(e.code).toBe("INVALID_CODE");
    expect(e.detail.attemptsLeft).toBe(4);
    await expect(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" })).resolves.toBeDefined();
  });
});

describe("resending", () => {
  it("has a cooldown that grows: 60 s, then 120 s, then 240 s", async () => {
    const { auth } = createTestAuth();
    const first = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    const userId = first.user!.id;
    const resend = () => auth.resendPhoneCode({ userId, phone: PHONE });
    // Each send answers the wait it started, the same figure a too-early resend is refused with.
    expect(first.resendInSec).toBe(60);

    let e = await authError(resend());
    expect(e.code).toBe("RESEND_COOLDOWN");
    expect(e.detail.retryAfterSec).toBe(60);
    clock.advanceSec(59);
    expect((await authError(resend())).detail.retryAfterSec).toBe(1);
    clock.advanceSec(1);
    expect((await resend()).resendInSec).toBe(120);

    e = await authError(resend());
    expect(e.code).toBe("RESEND_COOLDOWN");
    expect(e.detail.retryAfterSec).toBe(120);
    clock.advanceSec(119);
    expect((await authError(resend())).code).toBe("RESEND_COOLDOWN");
    clock.advanceSec(1);
    expect((await resend()).resendInSec).toBe(240);

    expect((await authError(resend())).detail.retryAfterSec).toBe(240);
    expect((await auth.listOutbox(PHONE))).toHaveLength(3);
  });

  it("is capped at 5 sends an hour (RATE_LIMITED), and allowed again in the next hour", async () => {
    const { auth } = createTestAuth();
    const { userId } = await requestCode(auth);
    const resend = () => auth.resendPhoneCode({ userId, phone: PHONE });
    let elapsed = 0;
    for (let sent = 1; sent < 5; sent++) {
      const wait = (await authError(resend())).detail.retryAfterSec!;
      clock.advanceSec(wait);
      elapsed += wait;
      await resend();
    }
    expect((await auth.listOutbox(PHONE))).toHaveLength(5);

    const wait = (await authError(resend())).detail.retryAfterSec!;
    clock.advanceSec(wait);
    elapsed += wait;
    const capped = await authError(resend());
    expect(capped.code).toBe("RATE_LIMITED");
    expect(capped.detail.retryAfterSec).toBe(3600 - elapsed);
    expect((await auth.listOutbox(PHONE))).toHaveLength(5);

    clock.advanceSec(3600 - elapsed);
    await resend();
    expect((await auth.listOutbox(PHONE))).toHaveLength(6);
  });

  it("is not needed after a code was used: the next request goes out at once", async () => {
    const { auth } = createTestAuth();
    const { code } = await requestCode(auth);
    await auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" });
    clock.advanceSec(1);
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    expect((await auth.listOutbox(PHONE))).toHaveLength(2);
  });
});
