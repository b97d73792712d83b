import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { authError, fakeClockEachTest, lastCode, PASSWORD } from "../test-helpers";
import { createTestAuth } from "../testing";

/** Families 001 and 002: the account exists at once; an emailed code proves the address. */
const EMAIL = "bo@example.com";

const clock = fakeClockEachTest();

describe("createAccount", () => {
  it("creates a user at once; with email and password it waits for the email to be verified", async () => {
    const { auth, sql } = createTestAuth();
    const user = await auth.createAccount({ email: "Bo@Example.com", password: PASSWORD, fullName: "Bo" });
    expect(user).toMatchObject({ email: EMAIL, status: "PENDING_VERIFICATION", emailVerifiedAt: null, role: "user" });
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
    expect((await auth.listOutbox())).toHaveLength(0);
  });

  it("creates an active user from a phone sign-up without a password", async () => {
    const { auth } = createTestAuth();
    const user = await auth.createAccount({ phone: "0881829915", email: "ana@example.com", fullName: "Ana", birthDate: "1990-02-03" });
    expect(user).toMatchObject({ phone: "+62881829915", status: "ACTIVE", birthDate: "1990-02-03" });
  });

  it("refuses a taken email or phone, and input with neither", async () => {
    const { auth, sql } = createTestAuth();
    await auth.createAccount({ email: EMAIL, phone: "0881829915" });
    expect((await authError(auth.createAccount({ email: "BO@example.com" }))).code).toBe("EMAIL_TAKEN");
    expect((await authError(auth.createAccount({ phone: "+62881829915" }))).code).toBe("PHONE_TAKEN");
    expect((await authError(auth.createAccount({ fullName: "Nobody" }))).code).toBe("INVALID_INPUT");
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
  });
});

describe("sendEmailVerification + verifyEmailAndSignIn", () => {
  it("emails a code that verifies the address and signs in", async () => {
    const { auth } = createTestAuth();
    const created = await auth.createAccount({ email: EMAIL, password: PASSWORD });
    await auth.sendEmailVerification("BO@example.com");
    const [msg] = (await auth.listOutbox(EMAIL));
    expect(msg).toMatchObject({ channel: "email", purpose: "verify_email" });
    expect(msg!.code).toMatch(/^\d{6}$/);

    clock.advanceSec(5);
    const s = await auth.verifyEmailAndSignIn({ email: EMAIL, code: msg!.code! }, { type: "jwt" });
    expect(s.user).toMatchObject({ id: created.id, status: "ACTIVE", emailVerifiedAt: Date.now() });
    expect(decodeJwt(s.token)).toMatchObject({ sub: String(created.id), role: "user" });
    expect((await auth.authenticate(s.token)).user.emailVerifiedAt).toBe(Date.now());

    // Now the password works where a verified email is required.
    await expect(
      auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt" }),
    ).resolves.toBeDefined();
  });

  it("for an unknown or an already verified email: the same result, nothing sent", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ email: EMAIL, password: PASSWORD });
    await auth.sendEmailVerification(EMAIL);
    await auth.verifyEmailAndSignIn({ email: EMAIL, code: (await lastCode(auth, EMAIL)) }, { type: "jwt" });
    clock.advanceSec(3600);

    const verified = await auth.sendEmailVerification(EMAIL);
    const unknown = await auth.sendEmailVerification("nobody@example.com");
    expect(verified).toEqual({ resendInSec: 60 });
    expect(unknown).toEqual(verified);
    expect((await auth.listOutbox(EMAIL))).toHaveLength(1);
    expect((await auth.listOutbox("nobody@example.com"))).toHaveLength(0);
  });

  it("answers the wait before the next code, growing with each send, alike for an unverified and an unknown email", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ email: EMAIL, password: PASSWORD });
    const waits: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const real = await auth.sendEmailVerification(EMAIL);
      const decoy = await auth.sendEmailVerification("nobody@example.com");
      waits.push([real.resendInSec, decoy.resendInSec]);
      clock.advanceSec(real.resendInSec);
    }
    expect(waits).toEqual([
      [60, 60],
      [120, 120],
      [240, 240],
    ]);
    expect((await auth.listOutbox(EMAIL))).toHaveLength(3);
    expect((await auth.listOutbox("nobody@example.com"))).toHaveLength(0);
  });

  it("refuses a wrong code and an expired one", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ email: EMAIL, password: PASSWORD });
    await auth.sendEmailVerification(EMAIL);
    const code = (await lastCode(auth, EMAIL));
    const bad = code === "000000" ? "000001" : "000000";
    expect((await authError(auth.verifyEmailAndSignIn({ email: EMAIL, code: bad }, { type: "jwt" }))).code).toBe("INVALID_CODE");
    clock.advanceSec(300);
    expect((await authError(auth.verifyEmailAndSignIn({ email: EMAIL, code }, { type: "jwt" }))).code).toBe("CODE_EXPIRED");
    expect((await auth.findUser(1))!.emailVerifiedAt).toBeNull();
  });

  it("refuses a code for another address", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ email: EMAIL, password: PASSWORD });
    await auth.createAccount({ email: "cy@example.com", password: PASSWORD });
    await auth.sendEmailVerification(EMAIL);
    const e = await authError(auth.verifyEmailAndSignIn({ email: "cy@example.com", code: (await lastCode(auth, EMAIL)) }, { type: "jwt" }));
    expect(e.code).toBe("INVALID_CODE");
  });
});

describe("a password given at registration and the email's proof (issue 19, item 4)", () => {
  const HOME = { ip: "203.0.113.20" };
  const SAME_64 = { ip: "2001:db8:1:2::99" };
  const SAME_64_OTHER = { ip: "2001:db8:1:2:ffff::1" };

  /** Registers from `from`, asks for the code `askAfterSec` later, proves it from `proveFrom`; can the password log in? */
  async function passwordSurvives(from: { ip: string }, proveFrom: { ip: string }, askAfterSec: number): Promise<boolean> {
    const { auth } = createTestAuth();
    await auth.createAccount({ email: EMAIL, password: PASSWORD, fullName: "Bo Registrant" }, from);
    clock.advanceSec(askAfterSec);
    await auth.sendEmailVerification(EMAIL, proveFrom);
    await auth.listOutbox();
    clock.advanceSec(299);
    const s = await auth.verifyEmailAndSignIn({ email: EMAIL, code: await lastCode(auth, EMAIL) }, { type: "jwt" }, proveFrom);
    const kept = s.user.fullName === "Bo Registrant";
    const login = await auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt" }, proveFrom).then(
      () => true,
      () => false,
    );
    expect(kept, "the name goes with the password").toBe(login);
    return login;
  }

  it("survives from the registering client when the code was asked for within one code lifetime (5 minutes)", async () => {
    expect(await passwordSurvives(HOME, HOME, 300)).toBe(true);
    expect(await passwordSurvives(SAME_64, SAME_64_OTHER, 0), "one IPv6 /64 is one client").toBe(true);
  });

  it("goes when the code was asked for later, or the proof comes from another client", async () => {
    expect(await passwordSurvives(HOME, HOME, 301)).toBe(false);
    expect(await passwordSurvives(HOME, { ip: "198.51.100.7" }, 0)).toBe(false);
  });

  it("once gone, the prover holds an active account with no password, and sets one", async () => {
    const { auth, sql } = createTestAuth();
    await auth.createAccount({ email: EMAIL, password: PASSWORD, fullName: "Mallory" }, { ip: "198.51.100.7" });
    await auth.sendEmailVerification(EMAIL, HOME);
    const s = await auth.verifyEmailAndSignIn({ email: EMAIL, code: await lastCode(auth, EMAIL) }, { type: "jwt" }, HOME);
    expect(s.user).toMatchObject({ email: EMAIL, status: "ACTIVE", fullName: null, username: null });
    expect(await sql.get("SELECT password_hash, password_changed_at FROM credentials")).toEqual({ password_hash: null, password_changed_at: null });
    const principal = await auth.authenticate(s.token);
    await auth.changePassword(principal, { newPassword: "a brand new passphrase" }, HOME);
    await auth.loginWithPassword({ identifier: EMAIL, password: "a brand new passphrase" }, { type: "jwt" }, HOME);
  });
});
