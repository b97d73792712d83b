import { describe, expect, it, vi } from "vitest";
import { pastResendWaitMs } from "@authsvc/core/testing";
import { expectNoLeak, expectTrpcError, expectWireError, MINUTE, PASSWORD, realTimersAfterEach, setup } from "../test/harness";

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
const userCount = async (h: ReturnType<typeof setup>) => Number((await h.sql.get("select count(*) as n from users"))!.n);

realTimersAfterEach();

describe("auth.register", () => {
  it("starts a pending registration and creates no user until the code comes back", async () => {
    const h = setup();
    const res = await h.mutate("auth.register", { email: "Ana@Example.com", password: PASSWORD, username: "ana", fullName: " Ana " });
    expect(res.status, res.text).toBe(200);
    const data = res.body.result.data;
    expect(data).toMatchObject({ email: "ana@example.com", resendIn: 60 });
    expect(typeof data.verificationId).toBe("string");
    expect(data.expiresIn).toBeGreaterThan(290);
    expect(data.expiresIn).toBeLessThanOrEqual(300);
    expect(data.expiresAt).toBeGreaterThan(Date.now());

    // The code goes by email, never in the answer.
    const code = await h.lastCode("ana@example.com", "signup");
    expect(res.text).not.toContain(code);

    // No user yet: nothing to sign in to.
    expect(await userCount(h)).toBe(0);
    const login = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: PASSWORD });
    expectWireError(login, 401, "INVALID_CREDENTIALS");
  });

  it("answers 409 CONFLICT EMAIL_TAKEN for an email that already has an account", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    const res = await h.mutate("auth.register", { email: "ANA@example.com", password: PASSWORD });
    const err = expectWireError(res, 409, "EMAIL_TAKEN");
    expect(err.data.code).toBe("CONFLICT");
    expect(err.data.field).toBe("email");
    expect(await userCount(h)).toBe(1);
  });

  it("answers 409 USERNAME_TAKEN and PHONE_TAKEN for a taken username or phone", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com", username: "ana", phone: "081234567890" });
    expectWireError(await h.mutate("auth.register", { email: "bo@example.com", password: PASSWORD, username: "ANA" }), 409, "USERNAME_TAKEN");
    expectWireError(await h.mutate("auth.register", { email: "bo@example.com", password: PASSWORD, phone: "+6281234567890" }), 409, "PHONE_TAKEN");
  });

  it("refuses a common password with 400 WEAK_PASSWORD and a reason", async () => {
    const h = setup();
    const res = await h.mutate("auth.register", { email: "ana@example.com", password: "password123" });
    const err = expectWireError(res, 400, "WEAK_PASSWORD");
    expect(err.data.code).toBe("BAD_REQUEST");
    expect(err.data.reason).toBe("common");
    expect(err.message).toMatch(/common/i);

    const short = expectWireError(await h.mutate("auth.register", { email: "ana@example.com", password: "short" }), 400, "WEAK_PASSWORD");
    expect(short.data.reason).toBe("too_short");
    expect(await h.outbox("ana@example.com")).toHaveLength(0);
  });

  it("keeps the service's own bounds: a 6-character password is too short here, even with bounds smuggled into the input", async () => {
    // Family 002's REST door keeps its document's 6-20; the typed API (and the web app on it) does not.
    const h = setup();
    for (const input of [
      { email: "ana@example.com", password: "xK9#mQ" },
      { email: "ana@example.com", password: "xK9#mQ", passwordBounds: { minLength: 6, maxLength: 20 } },
    ]) {
      const err = expectWireError(await h.mutate("auth.register", input), 400, "WEAK_PASSWORD");
      expect(err.data.reason).toBe("too_short");
    }
    expect(await h.outbox("ana@example.com")).toHaveLength(0);
  });

  it("answers 400 INVALID_INPUT with issues for a missing or mistyped field", async () => {
    const h = setup();
    const missing = expectWireError(await h.mutate("auth.register", { email: "ana@example.com" }), 400, "INVALID_INPUT");
    expect(missing.data.code).toBe("BAD_REQUEST");
    expect(missing.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "password" })]));

    const mistyped = expectWireError(await h.mutate("auth.register", { email: 42, password: PASSWORD }), 400, "INVALID_INPUT");
    expect(mistyped.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "email" })]));

    const badDate = expectWireError(
      await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD, birthDate: "31/12/1990" }),
      400,
      "INVALID_INPUT",
    );
    expect(badDate.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "birthDate" })]));

    // No input at all: null, an empty object, an empty body.
    expectWireError(await h.mutate("auth.register", null), 400, "INVALID_INPUT");
    expectWireError(await h.mutate("auth.register", {}), 400, "INVALID_INPUT");
    const empty = await h.raw("/api/trpc/auth.register", { method: "POST", headers: { "content-type": "application/json" } });
    expectWireError(empty, 400);
  });

  it("answers 400 INVALID_EMAIL for an address core cannot parse", async () => {
    const h = setup();
    expectWireError(await h.mutate("auth.register", { email: "not-an-email", password: PASSWORD }), 400, "INVALID_EMAIL");
  });

  it("in process: rejects with a TRPCError whose cause is the core error", async () => {
    const h = setup();
    await expectTrpcError(h.caller().auth.register({ email: "ana@example.com", password: "password123" }), "BAD_REQUEST", "WEAK_PASSWORD");
    const p = await h.caller().auth.register({ email: "ana@example.com", password: PASSWORD });
    expect(p.email).toBe("ana@example.com");
  });
});

describe("auth.passwordPolicy", () => {
  it("answers the service's configured length bounds, to anyone", async () => {
    const h = setup({ options: { password: { minLength: 10, maxLength: 90 } } });
    const res = await h.query("auth.passwordPolicy");
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ minLength: 10, maxLength: 90 });
    // The bounds it answers are the ones registration enforces.
    expectWireError(await h.mutate("auth.register", { email: "ana@example.com", password: "nine char" }), 400, "WEAK_PASSWORD");
  });
});

describe("auth.registrationStatus", () => {
  it("is pending with the seconds left on the code (expiresIn) and before a resend (resendIn), then verified", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const reg = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD })).body.result.data;
    vi.setSystemTime(Date.now() + 20_000);
    const pending = await h.query("auth.registrationStatus", { verificationId: reg.verificationId });
    expect(pending.status, pending.text).toBe(200);
    expect(pending.body.result.data).toEqual({ state: "pending", email: "ana@example.com", expiresIn: 280, resendIn: 40 });

    const code = await h.lastCode("ana@example.com");
    expect((await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code })).status).toBe(200);

    const verified = await h.query("auth.registrationStatus", { verificationId: reg.verificationId });
    expect(verified.body.result.data).toEqual({ state: "verified", email: "ana@example.com" });
  });

  it("answers 404 VERIFICATION_NOT_FOUND for an unknown id", async () => {
    const h = setup();
    const res = await h.query("auth.registrationStatus", { verificationId: "00000000-0000-4000-8000-000000000000" });
    const err = expectWireError(res, 404, "VERIFICATION_NOT_FOUND");
    expect(err.data.code).toBe("NOT_FOUND");
    await expectTrpcError(h.caller().auth.registrationStatus({ verificationId: "nope" }), "NOT_FOUND", "VERIFICATION_NOT_FOUND");
  });

  it("answers 412 VERIFICATION_EXPIRED once the code has expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const reg = await h.caller().auth.register({ email: "ana@example.com", password: PASSWORD });
    vi.setSystemTime(Date.now() + 6 * MINUTE);
    expectWireError(await h.query("auth.registrationStatus", { verificationId: reg.verificationId }), 412, "VERIFICATION_EXPIRED");
  });
});

describe("auth.resendRegistration", () => {
  it("answers 429 RESEND_COOLDOWN inside the cooldown, with a retry-after header", async () => {
    const h = setup();
    await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD });
    const res = await h.mutate("auth.resendRegistration", { email: "ana@example.com" });
    const err = expectWireError(res, 429, "RESEND_COOLDOWN");
    expect(err.data.code).toBe("TOO_MANY_REQUESTS");
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(err.data.retryAfterSec).toBe(retry);
    expect(await h.outbox("ana@example.com")).toHaveLength(1);
  });

  it("after the cooldown sends a new code under a new verificationId; the old code dies", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const first = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD })).body.result.data;
    const oldCode = await h.lastCode("ana@example.com");
    vi.setSystemTime(Date.now() + pastResendWaitMs(h.auth));

    const res = await h.mutate("auth.resendRegistration", { email: "ana@example.com" });
    expect(res.status, res.text).toBe(200);
    const second = res.body.result.data;
    expect(second.verificationId).not.toBe(first.verificationId);
    const newCode = await h.lastCode("ana@example.com");

    expectWireError(await h.mutate("auth.verifyRegistration", { verificationId: first.verificationId, code: oldCode }), 400, "INVALID_CODE");
    const ok = await h.mutate("auth.verifyRegistration", { verificationId: second.verificationId, code: newCode });
    expect(ok.status, ok.text).toBe(200);
  });

  it("answers 404 VERIFICATION_NOT_FOUND when there is no pending registration", async () => {
    const h = setup();
    expectWireError(await h.mutate("auth.resendRegistration", { email: "nobody@example.com" }), 404, "VERIFICATION_NOT_FOUND");
  });

  it("resendIn is the real wait before the next resend is accepted", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD });
    let resendIn = 60;
    // Three resends, each as soon as the previous answer said it may be made.
    for (let i = 0; i < 3; i++) {
      vi.setSystemTime(Date.now() + resendIn * 1000 + 1000);
      const res = await h.mutate("auth.resendRegistration", { email: "ana@example.com" });
      expect(res.status, `resend #${i + 1} after waiting resendIn=${resendIn}s: ${res.text}`).toBe(200);
      resendIn = res.body.result.data.resendIn;
    }
  });
});

describe("auth.verifyRegistration", () => {
  it("answers 400 INVALID_CODE with attemptsLeft 4 for a wrong code", async () => {
    const h = setup();
    const reg = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD })).body.result.data;
    const code = await h.lastCode("ana@example.com");
    const res = await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code: wrongCode(code) });
    const err = expectWireError(res, 400, "INVALID_CODE");
    expect(err.data.code).toBe("BAD_REQUEST");
    expect(err.data.attemptsLeft).toBe(4);
    expect(await userCount(h)).toBe(0);
  });

  it("signs in with the right code: Bearer token, expiresIn about 900, a user without any hash", async () => {
    const h = setup();
    const reg = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD, username: "ana" })).body.result.data;
    const code = await h.lastCode("ana@example.com");
    const res = await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code });
    expect(res.status, res.text).toBe(200);
    expectNoLeak(res);
    const data = res.body.result.data;
    expect(data.tokenType).toBe("Bearer");
    expect(data.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(data.expiresIn).toBeGreaterThanOrEqual(895);
    expect(data.expiresIn).toBeLessThanOrEqual(900);
    expect(typeof data.sessionId).toBe("string");
    expect(data.user).toMatchObject({ email: "ana@example.com", username: "ana", status: "ACTIVE", emailVerified: true });
    for (const key of Object.keys(data.user)) expect(key).not.toMatch(/hash|password|pin|secret/i);
    expect(res.text).not.toContain(code);
    expect(await userCount(h)).toBe(1);

    const me = await h.query("user.me", undefined, { token: data.accessToken });
    expect(me.status, me.text).toBe(200);
    expect(me.body.result.data.id).toBe(data.user.id);
    expect(me.body.result.data.customerId).toEqual(expect.any(Number));
    expect(me.body.result.data.accountNumber).toMatch(/^\d{10}$/);
    expect(me.body.result.data.email).toBe("ana@example.com");

    // The password chosen at sign-up works.
    const login = await h.mutate("auth.loginWithPassword", { identifier: "ana", password: PASSWORD });
    expect(login.status, login.text).toBe(200);
  });

  it("answers 404 NOT_FOUND VERIFICATION_NOT_FOUND for an id no sign-up has, not a wrong code with tries left", async () => {
    const h = setup();
    const reg = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD })).body.result.data;
    const code = await h.lastCode("ana@example.com");
    for (const verificationId of ["5b7c1f5e-0000-4000-8000-000000000000", "1", "\u0000", "x".repeat(64)]) {
      for (let i = 0; i < 6; i++) {
        const err = expectWireError(await h.mutate("auth.verifyRegistration", { verificationId, code }), 404, "VERIFICATION_NOT_FOUND");
        expect(err.data.code).toBe("NOT_FOUND");
        expect(err.data.attemptsLeft).toBeUndefined();
        expect(err.message).not.toMatch(/code/i);
      }
    }
    // As the registration's status says of the same id.
    expectWireError(await h.query("auth.registrationStatus", { verificationId: "5b7c1f5e-0000-4000-8000-000000000000" }), 404, "VERIFICATION_NOT_FOUND");
    // None of it was a try at the real registration.
    expect((await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code })).status).toBe(200);
  });

  it("a code is good once", async () => {
    const h = setup();
    const reg = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD })).body.result.data;
    const code = await h.lastCode("ana@example.com");
    expect((await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code })).status).toBe(200);
    expectWireError(await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code }), 400, "INVALID_CODE");
    expect(await userCount(h)).toBe(1);
  });

  it("the fifth wrong code answers 429 TOO_MANY_ATTEMPTS with Retry-After, and then even the right code is refused", async () => {
    const h = setup();
    const reg = (await h.mutate("auth.register", { email: "ana@example.com", password: PASSWORD })).body.result.data;
    const code = await h.lastCode("ana@example.com");
    for (let left = 4; left >= 1; left--) {
      const err = expectWireError(
        await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code: wrongCode(code) }),
        400,
        "INVALID_CODE",
      );
      expect(err.data.attemptsLeft).toBe(left);
    }
    const fifth = await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code: wrongCode(code) });
    expectWireError(fifth, 429, "TOO_MANY_ATTEMPTS");
    expect(Number(fifth.headers.get("retry-after"))).toBeGreaterThan(0);
    const right = await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code });
    expectWireError(right, 429, "TOO_MANY_ATTEMPTS");
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await userCount(h)).toBe(0);
  });

  it("refuses a code that is not 6 digits with INVALID_INPUT", async () => {
    const h = setup();
    const reg = await h.caller().auth.register({ email: "ana@example.com", password: PASSWORD });
    const err = expectWireError(await h.mutate("auth.verifyRegistration", { verificationId: reg.verificationId, code: "12345" }), 400, "INVALID_INPUT");
    expect(err.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "code" })]));
  });
});

describe("auth.requestPhoneCode + auth.loginWithPhoneCode", () => {
  it("find-or-create: a new local number becomes a user; the +62 form signs in as the same user", async () => {
    const h = setup();
    const sent = await h.mutate("auth.requestPhoneCode", { phone: "0812 3456 7890" });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.result.data).toMatchObject({ phone: "+6281234567890", resendIn: 60 });
    expect(await userCount(h)).toBe(1);

    const messages = await h.outbox("0812 3456 7890");
    expect(messages[0]).toMatchObject({ channel: "sms", to: "+6281234567890", purpose: "login" });
    expect(sent.text).not.toContain(messages[0]!.code!);

    const first = await h.mutate("auth.loginWithPhoneCode", { phone: "0812 3456 7890", code: messages[0]!.code });
    expect(first.status, first.text).toBe(200);
    const firstUser = first.body.result.data.user;
    expect(firstUser).toMatchObject({ phone: "+6281234567890", phoneVerified: true, email: null });

    const again = await h.mutate("auth.requestPhoneCode", { phone: "+6281234567890" });
    expect(again.status, again.text).toBe(200);
    expect(await userCount(h)).toBe(1);
    const code = await h.lastCode("+6281234567890", "login");
    const second = await h.mutate("auth.loginWithPhoneCode", { phone: "+6281234567890", code });
    expect(second.status, second.text).toBe(200);
    expect(second.body.result.data.user.id).toBe(firstUser.id);
    expect(second.body.result.data.sessionId).not.toBe(first.body.result.data.sessionId);

    const me = await h.caller(second.body.result.data.accessToken).user.me();
    expect(me.id).toBe(firstUser.id);
  });

  it("a wrong code answers 400 INVALID_CODE with attemptsLeft; the code is good once", async () => {
    const h = setup();
    const c = h.caller();
    await c.auth.requestPhoneCode({ phone: "081234567890" });
    const code = (await h.auth.listOutbox("081234567890"))[0]!.code!;
    const err = await expectTrpcError(c.auth.loginWithPhoneCode({ phone: "081234567890", code: wrongCode(code) }), "BAD_REQUEST", "INVALID_CODE");
    expect((err.cause as { detail?: { attemptsLeft?: number } }).detail?.attemptsLeft).toBe(4);
    await c.auth.loginWithPhoneCode({ phone: "081234567890", code });
    await expectTrpcError(c.auth.loginWithPhoneCode({ phone: "081234567890", code }), "BAD_REQUEST", "INVALID_CODE");
  });

  it("a second request inside the cooldown answers 429 with Retry-After", async () => {
    const h = setup();
    expect((await h.mutate("auth.requestPhoneCode", { phone: "081234567890" })).status).toBe(200);
    const res = await h.mutate("auth.requestPhoneCode", { phone: "+62 812-3456-7890" });
    expectWireError(res, 429, "RESEND_COOLDOWN");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await h.outbox("081234567890")).toHaveLength(1);
  });

  it("resendIn is the real wait before the next code may be requested", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    let resendIn = (await h.caller().auth.requestPhoneCode({ phone: "081234567890" })).resendIn;
    for (let i = 0; i < 2; i++) {
      vi.setSystemTime(Date.now() + resendIn * 1000 + 1000);
      const res = await h.mutate("auth.requestPhoneCode", { phone: "081234567890" });
      expect(res.status, `request #${i + 2} after waiting resendIn=${resendIn}s: ${res.text}`).toBe(200);
      resendIn = res.body.result.data.resendIn;
    }
  });

  it("refuses a number that is not a phone number with 400", async () => {
    const h = setup();
    expectWireError(await h.mutate("auth.requestPhoneCode", { phone: "not a phone" }), 400, "INVALID_PHONE");
    expectWireError(await h.mutate("auth.requestPhoneCode", { phone: "1" }), 400, "INVALID_INPUT");
    expect(await userCount(h)).toBe(0);
  });
});

describe("auth.loginWithPassword", () => {
  it("signs in by email (any case), by username and by phone, as the same user", async () => {
    const h = setup();
    const reg = await h.registerAndVerify({ email: "ana@example.com", username: "ana", phone: "081234567890" });
    for (const identifier of ["ANA@example.com", "ana", "Ana", "+6281234567890", "0812 3456 7890"]) {
      const res = await h.mutate("auth.loginWithPassword", { identifier, password: PASSWORD });
      expect(res.status, `${identifier}: ${res.text}`).toBe(200);
      expect(res.body.result.data.user.id).toBe(reg.user.id);
      expect(res.body.result.data.tokenType).toBe("Bearer");
    }
  });

  it("a wrong password and an unknown email answer with the identical 401 body", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    const wrong = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: "not the password at all" });
    const unknown = await h.mutate("auth.loginWithPassword", { identifier: "nobody@example.com", password: "not the password at all" });
    expectWireError(wrong, 401, "INVALID_CREDENTIALS");
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    expect(wrong.body.error.data.code).toBe("UNAUTHORIZED");
    // An unknown username and an unparseable identifier answer the same way too.
    expect((await h.mutate("auth.loginWithPassword", { identifier: "nobody", password: "not the password at all" })).text).toBe(wrong.text);
  });

  it("after 10 wrong passwords for one account answers 429 RATE_LIMITED with Retry-After, even with the right one", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    for (let i = 0; i < 10; i++) {
      expectWireError(await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: `wrong password ${i}` }), 401);
    }
    const res = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: PASSWORD });
    expectWireError(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("auth.sendEmailVerification + auth.verifyEmail", () => {
  it("verifies a password account's email and signs in", async () => {
    const h = setup();
    const user = await h.auth.createAccount({ email: "Budi@Example.com", password: PASSWORD });
    expect(user.status).toBe("PENDING_VERIFICATION");

    const sent = await h.mutate("auth.sendEmailVerification", { email: "budi@example.com" });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.result.data).toEqual({ ok: true, resendIn: 60 });
    const messages = await h.outbox("budi@example.com");
    expect(messages[0]).toMatchObject({ channel: "email", purpose: "verify_email" });
    expect(sent.text).not.toContain(messages[0]!.code!);

    const res = await h.mutate("auth.verifyEmail", { email: "BUDI@example.com", code: messages[0]!.code });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toMatchObject({ tokenType: "Bearer", user: { id: user.id, emailVerified: true, status: "ACTIVE" } });
    const me = await h.caller(res.body.result.data.accessToken).user.me();
    expect(me).toMatchObject({ id: user.id, status: "ACTIVE", emailVerified: true });
  });

  it("answers the same for an unknown or already verified address, and sends nothing", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    const before = (await h.outbox("ana@example.com")).length;
    const unknown = await h.mutate("auth.sendEmailVerification", { email: "nobody@example.com" });
    const verified = await h.mutate("auth.sendEmailVerification", { email: "ana@example.com" });
    expect(unknown.status).toBe(200);
    expect(unknown.body.result.data).toEqual({ ok: true, resendIn: 60 });
    expect(verified.text).toBe(unknown.text);
    expect(await h.outbox("nobody@example.com")).toHaveLength(0);
    expect(await h.outbox("ana@example.com")).toHaveLength(before);
  });

  it("a wrong code answers 400 INVALID_CODE and leaves the account unverified", async () => {
    const h = setup();
    const user = await h.auth.createAccount({ email: "budi@example.com", password: PASSWORD });
    await h.caller().auth.sendEmailVerification({ email: "budi@example.com" });
    const code = (await h.auth.listOutbox("budi@example.com"))[0]!.code!;
    expectWireError(await h.mutate("auth.verifyEmail", { email: "budi@example.com", code: wrongCode(code) }), 400, "INVALID_CODE");
    expect((await h.auth.findUser(user.id))?.emailVerifiedAt).toBeNull();
    // A code for nobody is refused the same way.
    expectWireError(await h.mutate("auth.verifyEmail", { email: "nobody@example.com", code }), 400, "INVALID_CODE");
  });

  it("a password account cannot sign in with its password before its email is verified", async () => {
    // core/flows/accounts.ts: "With a password and an email the account waits for its email
    // to be verified before a password login works."
    const h = setup();
    await h.auth.createAccount({ email: "budi@example.com", password: PASSWORD });
    const res = await h.mutate("auth.loginWithPassword", { identifier: "budi@example.com", password: PASSWORD });
    expectWireError(res, 403, "EMAIL_NOT_VERIFIED");
  });
});
