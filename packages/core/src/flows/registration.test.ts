import { describe, expect, it } from "vitest";
import { authError, fakeClockEachTest, lastCode, PASSWORD, tally } from "../test-helpers";
import { codeLifetimeMs, createTestAuth } from "../testing";

/** Family 003 and the web sign-up: no user exists until the emailed code comes back. */
const EMAIL = "ana@example.com";

const clock = fakeClockEachTest();

const start = (auth: ReturnType<typeof createTestAuth>["auth"], extra: Record<string, string> = {}) =>
  auth.startRegistration({ email: "Ana@Example.com", password: PASSWORD, username: "ana", phone: "0881829915", fullName: " Ana M ", ...extra });

describe("startRegistration", () => {
  it("emails a code and creates no user until it is verified", async () => {
    const { auth, sql } = createTestAuth();
    const pending = await start(auth);
    expect(pending).toMatchObject({
      email: EMAIL,
      expiresInSec: auth.options.code.ttlSec,
      expiresAt: Date.now() + codeLifetimeMs(auth),
      resendInSec: auth.options.code.cooldownSec,
    });
    expect(pending.verificationId).toEqual(expect.any(String));
    const [msg] = (await auth.listOutbox(EMAIL));
    expect(msg).toMatchObject({ channel: "email", to: EMAIL, purpose: "signup" });
    expect(msg!.text).toContain(msg!.code);
    expect(await sql.all("SELECT id FROM users")).toHaveLength(0);
  });

  it("refuses a name or bio with a control character (INVALID_INPUT), and sends nothing", async () => {
    const { auth, sql } = createTestAuth();
    for (const input of [{ fullName: "Ana\u0000" }, { bio: "line\u0007" }]) {
      const e = await authError(auth.startRegistration({ email: EMAIL, password: PASSWORD, ...input }));
      expect(e.code).toBe("INVALID_INPUT");
      expect(e.detail.field).toBe(Object.keys(input)[0]);
    }
    expect(await auth.listOutbox(EMAIL)).toHaveLength(0);
    expect(await sql.all("SELECT id FROM challenges")).toHaveLength(0);
    // Line breaks and tabs are text.
    await auth.startRegistration({ email: EMAIL, password: PASSWORD, bio: "one\ntwo\tthree" });
  });

  it("refuses an email, username or phone that a user already has", async () => {
    const { auth } = createTestAuth();
    const pending = await start(auth);
    await auth.completeRegistration({ verificationId: pending.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    expect((await authError(start(auth, { username: "other", phone: "0881829916" }))).code).toBe("EMAIL_TAKEN");
    expect((await authError(start(auth, { email: "x@example.com", username: "ANA", phone: "0881829916" }))).code).toBe("USERNAME_TAKEN");
    expect((await authError(start(auth, { email: "x@example.com", username: "other", phone: "+62881829915" }))).code).toBe("PHONE_TAKEN");
    expect((await auth.listOutbox())).toHaveLength(1);
  });

  it("refuses bad input before sending anything", async () => {
    const { auth } = createTestAuth();
    expect((await authError(start(auth, { email: "not-an-email" }))).code).toBe("INVALID_EMAIL");
    expect((await authError(start(auth, { phone: "12" }))).code).toBe("INVALID_PHONE");
    expect((await authError(start(auth, { username: "a b" }))).code).toBe("INVALID_USERNAME");
    expect((await authError(start(auth, { password: "password123" }))).code).toBe("WEAK_PASSWORD");
    expect((await auth.listOutbox())).toHaveLength(0);
  });
});

describe("registrationStatus", () => {
  it("is pending with the seconds left on the code and before a resend, then verified", async () => {
    const { auth } = createTestAuth();
    const pending = await start(auth);
    expect(pending).toMatchObject({ expiresInSec: 300, resendInSec: 60 });
    expect((await auth.registrationStatus(pending.verificationId))).toEqual({ state: "pending", email: EMAIL, expiresInSec: 300, resendInSec: 60 });
    clock.advanceSec(45);
    expect((await auth.registrationStatus(pending.verificationId))).toEqual({ state: "pending", email: EMAIL, expiresInSec: 255, resendInSec: 15 });
    clock.advanceSec(55);
    expect((await auth.registrationStatus(pending.verificationId))).toEqual({ state: "pending", email: EMAIL, expiresInSec: 200, resendInSec: 0 });
    await auth.completeRegistration({ verificationId: pending.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    expect((await auth.registrationStatus(pending.verificationId))).toEqual({ state: "verified", email: EMAIL });
  });

  it("answers VERIFICATION_NOT_FOUND for an unknown id", async () => {
    const { auth } = createTestAuth();
    expect((await authError((auth.registrationStatus("5b7c1f5e-0000-4000-8000-000000000000")))).code).toBe("VERIFICATION_NOT_FOUND");
  });

  it("answers VERIFICATION_NOT_FOUND for the id of a code that is not a sign-up", async () => {
    const { auth, sql } = createTestAuth();
    await auth.requestPhoneCode({ phone: "0881829915", createIfMissing: true });
    const loginChallengeId = (await sql.get("SELECT id FROM challenges"))!.id as string;
    expect((await authError((auth.registrationStatus(loginChallengeId)))).code).toBe("VERIFICATION_NOT_FOUND");
  });

  it("answers VERIFICATION_EXPIRED once the code has expired", async () => {
    const { auth } = createTestAuth();
    const pending = await start(auth);
    clock.advanceSec(299);
    expect((await auth.registrationStatus(pending.verificationId)).state).toBe("pending");
    clock.advanceSec(1);
    expect((await authError((auth.registrationStatus(pending.verificationId)))).code).toBe("VERIFICATION_EXPIRED");
  });
});

describe("registration hijack (issue 10, hole 3)", () => {
  it("resend by email from another client completes without the registrant's password or phone: the resender may be the email's owner", async () => {
    const { auth, sql } = createTestAuth();
    await auth.startRegistration(
      { email: EMAIL, password: "attacker pass 1234!", username: "mallory", phone: "0881829915", fullName: "Mallory" },
      { ip: "198.51.100.7" },
    );
    clock.advanceSec(60);
    const resent = await auth.resendRegistration({ email: EMAIL }, { ip: "203.0.113.20" });
    const done = await auth.completeRegistration({ verificationId: resent.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    expect(done.user.phone, "the registrant's phone was installed on the owner's account").toBeNull();
    expect(done.user).toMatchObject({ username: null, fullName: null });
    expect((await authError(auth.loginWithPassword({ identifier: EMAIL, password: "attacker pass 1234!" }, { type: "jwt" }))).code).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(JSON.stringify(await sql.all("SELECT * FROM challenges"))).not.toContain("$argon2");
  });

  // Issue 19 changed this rule: a newer registration no longer replaces a pending one.
  it("registrations of one email are independent: the first proven wins, the other can no longer complete", async () => {
    const { auth, sql } = createTestAuth();
    const attacker = await start(auth, { password: "attacker pass 1234!", username: "mallory", phone: "0881829916" });
    const attackerCode = (await lastCode(auth, EMAIL));
    const owner = await start(auth);
    const ownerCode = (await lastCode(auth, EMAIL));
    expect((await auth.registrationStatus(attacker.verificationId)).state, "the newer one cancels nothing").toBe("pending");
    expect((await sql.all("SELECT payload FROM challenges")).filter((c) => c.payload !== null)).toHaveLength(2);
    const done = await auth.completeRegistration({ verificationId: owner.verificationId, code: ownerCode }, { type: "jwt" });
    expect(done.user).toMatchObject({ username: "ana", phone: "+62881829915" });
    await auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt" });
    expect((await authError(auth.completeRegistration({ verificationId: attacker.verificationId, code: attackerCode }, { type: "jwt" }))).code).toBe(
      "INVALID_CODE",
    );
    expect((await authError(auth.registrationStatus(attacker.verificationId))).code).toBe("VERIFICATION_EXPIRED");
    // No pending data (nor hash) is kept once one is proven.
    expect((await sql.all("SELECT payload FROM challenges")).filter((c) => c.payload !== null)).toHaveLength(0);
    expect(Number((await sql.get("SELECT count(*) AS n FROM users"))!.n)).toBe(1);
  });

  it("resend by verificationId keeps the registration as the registrant made it", async () => {
    const { auth } = createTestAuth();
    const first = await start(auth);
    clock.advanceSec(60);
    const again = await auth.resendRegistration({ verificationId: first.verificationId });
    const done = await auth.completeRegistration({ verificationId: again.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    expect(done.user.phone).toBe("+62881829915");
    await auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt" });
    // A replaced id resends nothing.
    expect((await authError(auth.resendRegistration({ verificationId: first.verificationId }))).code).toBe("VERIFICATION_NOT_FOUND");
  });
});

describe("resendRegistration", () => {
  it("gives a new verificationId and a new code; the old ones stop working", async () => {
    const { auth, sql } = createTestAuth();
    const first = await start(auth);
    const oldCode = (await lastCode(auth, EMAIL));
    clock.advanceSec(60);
    const second = await auth.resendRegistration({ verificationId: first.verificationId });
    const newCode = (await lastCode(auth, EMAIL));
    expect(second.verificationId).not.toBe(first.verificationId);
    expect(second).toMatchObject({ email: EMAIL, expiresInSec: 300, resendInSec: 120 });
    expect((await auth.listOutbox(EMAIL))).toHaveLength(2);
    expect((await authError((auth.registrationStatus(first.verificationId)))).code).toBe("VERIFICATION_EXPIRED");

    const withOld = await authError(auth.completeRegistration({ verificationId: first.verificationId, code: oldCode }, { type: "jwt" }));
    expect(withOld.code).toBe("INVALID_CODE");
    const newCodeOldId = await authError(auth.completeRegistration({ verificationId: first.verificationId, code: newCode }, { type: "jwt" }));
    expect(newCodeOldId.code).toBe("INVALID_CODE");
    expect(await sql.all("SELECT id FROM users")).toHaveLength(0);

    const done = await auth.completeRegistration({ verificationId: second.verificationId, code: newCode }, { type: "jwt" });
    expect(done.user).toMatchObject({ email: EMAIL, username: "ana", phone: "+62881829915", fullName: "Ana M" });
  });

  it("answers RESEND_COOLDOWN inside the cooldown", async () => {
    const { auth } = createTestAuth();
    await start(auth);
    clock.advanceSec(20);
    const e = await authError(auth.resendRegistration({ email: EMAIL }));
    expect(e.code).toBe("RESEND_COOLDOWN");
    expect(e.detail.retryAfterSec).toBe(40);
  });

  it("answers VERIFICATION_NOT_FOUND for an email with no pending registration", async () => {
    const { auth } = createTestAuth();
    expect((await authError(auth.resendRegistration({ email: "nobody@example.com" }))).code).toBe("VERIFICATION_NOT_FOUND");
    expect((await auth.listOutbox())).toHaveLength(0);
  });

  it("revives an expired registration with a fresh code", async () => {
    const { auth } = createTestAuth();
    await start(auth);
    clock.advanceSec(600);
    const again = await auth.resendRegistration({ email: EMAIL });
    const s = await auth.completeRegistration({ verificationId: again.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    expect(s.user.email).toBe(EMAIL);
  });

  it("sends nothing once the registration was verified, even after an earlier resend", async () => {
    const { auth } = createTestAuth();
    await start(auth);
    clock.advanceSec(60);
    const second = await auth.resendRegistration({ email: EMAIL });
    await auth.completeRegistration({ verificationId: second.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    clock.advanceSec(300);

    const e = await authError(auth.resendRegistration({ email: EMAIL }));
    expect(["VERIFICATION_NOT_FOUND", "ALREADY_VERIFIED"]).toContain(e.code);
    expect((await auth.listOutbox(EMAIL))).toHaveLength(2);
  });
});

describe("completeRegistration", () => {
  it("creates the verified user, signs them in, and the password works afterwards", async () => {
    const { auth, sql } = createTestAuth();
    const pending = await start(auth);
    clock.advanceSec(30);
    const s = await auth.completeRegistration({ verificationId: pending.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    expect(s.user).toMatchObject({ email: EMAIL, username: "ana", status: "ACTIVE", emailVerifiedAt: Date.now() });
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
    expect((await auth.authenticate(s.token)).user.id).toBe(s.user.id);
    const login = await auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt" });
    expect(login.user.id).toBe(s.user.id);
  });

  it("refuses a wrong code with INVALID_CODE and the tries left; no user is created", async () => {
    const { auth, sql } = createTestAuth();
    const pending = await start(auth);
    const code = (await lastCode(auth, EMAIL));
    const bad = code === "000000" ? "000001" : "000000";
    const e = await authError(auth.completeRegistration({ verificationId: pending.verificationId, code: bad }, { type: "jwt" }));
    expect(e.code).toBe("INVALID_CODE");
    expect(e.detail.attemptsLeft).toBe(4);
    expect(await sql.all("SELECT id FROM users")).toHaveLength(0);
  });

  it("answers VERIFICATION_NOT_FOUND for an id no sign-up has, counting no try and touching no registration", async () => {
    const { auth, sql } = createTestAuth();
    const pending = await start(auth);
    const code = await lastCode(auth, EMAIL);
    await auth.requestPhoneCode({ phone: "0881829916", createIfMissing: true });
    const loginChallengeId = (await sql.get("SELECT id FROM challenges WHERE purpose = 'login'"))!.id as string;
    const failuresBefore = await sql.all("SELECT key, count FROM rate_limits WHERE key LIKE 'code-fail:%'");
    const usersBefore = await sql.all("SELECT id FROM users");
    // Unknown, another kind of code's, and strings no row can hold (U+0000, past any stored id).
    for (const verificationId of ["5b7c1f5e-0000-4000-8000-000000000000", loginChallengeId, "\u0000", "x".repeat(64)]) {
      for (let i = 0; i < 6; i++) {
        const e = await authError(auth.completeRegistration({ verificationId, code }, { type: "jwt" }));
        expect(e.code, verificationId).toBe("VERIFICATION_NOT_FOUND");
        expect(e.detail.attemptsLeft).toBeUndefined();
      }
    }
    expect(await sql.all("SELECT key, count FROM rate_limits WHERE key LIKE 'code-fail:%'")).toEqual(failuresBefore);
    expect(await sql.all("SELECT id FROM audit_events WHERE kind IN ('code_failed', 'lockout')")).toHaveLength(0);
    expect(await sql.all("SELECT id FROM users")).toEqual(usersBefore);
    // The real registration kept every try: its code still works.
    const done = await auth.completeRegistration({ verificationId: pending.verificationId, code }, { type: "jwt" });
    expect(done.user.email).toBe(EMAIL);
  });

  it("gives each registration a random UUID (v4) as its id, so an id that exists cannot be found by trying", async () => {
    const { auth } = createTestAuth();
    const ids = [(await start(auth)).verificationId, (await start(auth, { username: "ana2" })).verificationId];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("refuses an expired code with CODE_EXPIRED", async () => {
    const { auth, sql } = createTestAuth();
    const pending = await start(auth);
    clock.advanceSec(300);
    const e = await authError(auth.completeRegistration({ verificationId: pending.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" }));
    expect(e.code).toBe("CODE_EXPIRED");
    expect(await sql.all("SELECT id FROM users")).toHaveLength(0);
  });

  it("creates one user when the same code is sent twice at once", async () => {
    const { auth, sql } = createTestAuth();
    const pending = await start(auth);
    const input = { verificationId: pending.verificationId, code: (await lastCode(auth, EMAIL)) };
    const results = await Promise.allSettled([
      auth.completeRegistration(input, { type: "jwt" }),
      auth.completeRegistration(input, { type: "jwt" }),
    ]);
    expect(tally(results)).toEqual({ ok: 1, INVALID_CODE: 1 });
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
  });

  it("keeps no password hash in the sign-up codes once the registration is verified", async () => {
    const { auth, sql } = createTestAuth();
    const first = await start(auth);
    clock.advanceSec(60);
    const second = await auth.resendRegistration({ verificationId: first.verificationId });
    expect(JSON.stringify(await sql.all("SELECT * FROM challenges"))).toContain("$argon2");
    await auth.completeRegistration({ verificationId: second.verificationId, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    // DESIGN.md: a pending registration carries its (hashed) password "until it is verified".
    expect(JSON.stringify(await sql.all("SELECT * FROM challenges"))).not.toContain("$argon2");
  });
});
