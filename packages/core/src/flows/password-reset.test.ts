import { describe, expect, it } from "vitest";
import { authError, fakeClockEachTest, lastCode, PASSWORD, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

const EMAIL = "ana@example.com";
const NEW_PASSWORD = "a brand new passphrase";
const jwt = { type: "jwt" } as const;

const clock = fakeClockEachTest();

async function withUser() {
  const t = createTestAuth({ publicUrl: "https://auth.example.com/" });
  const signedIn = await signUp(t.auth, { email: EMAIL, username: "ana", phone: "0881829915" });
  return { ...t, ...signedIn };
}

/** The token in the reset link of the newest email to `to`. */
async function linkToken(auth: ReturnType<typeof createTestAuth>["auth"], to: string): Promise<string> {
  const text = (await auth.listOutbox(to))[0]!.text;
  const m = /https:\/\/auth\.example\.com\/reset-password\?token=([^\s]+)/.exec(text);
  if (!m) throw new Error(`no reset link in: ${text}`);
  return decodeURIComponent(m[1]!);
}

const canLogin = (auth: ReturnType<typeof createTestAuth>["auth"], password: string) =>
  auth.loginWithPassword({ identifier: EMAIL, password }, jwt).then(
    () => true,
    () => false,
  );

describe("requestPasswordReset", () => {
  it("by email sends a code and a /reset-password?token= link", async () => {
    const { auth } = await withUser();
    await expect(auth.requestPasswordReset({ identifier: "ANA@example.com" })).resolves.toEqual({ resendInSec: 60 });
    const [msg] = (await auth.listOutbox(EMAIL));
    expect(msg).toMatchObject({ channel: "email", purpose: "password_reset" });
    expect(msg!.code).toMatch(/^\d{6}$/);
    expect(msg!.text).toContain(msg!.code);
    expect((await linkToken(auth, EMAIL)).length).toBeGreaterThanOrEqual(40);
  });

  it("by phone sends a code by SMS, without a link, once the phone is proven", async () => {
    const { auth, user } = await withUser();
    await auth.sendContactVerification(user, "phone");
    await auth.confirmContactVerification(user, "phone", await lastCode(auth, "+62881829915"));
    await auth.requestPasswordReset({ identifier: "0881829915" });
    const [msg] = (await auth.listOutbox("+62881829915"));
    expect(msg).toMatchObject({ channel: "sms", purpose: "password_reset" });
    expect(msg!.text).not.toContain("reset-password");
  });

  it("sends nothing to a phone nobody proved on an account someone holds by its email (pre-hijacking)", async () => {
    const { auth } = await withUser();
    await auth.requestPasswordReset({ identifier: "0881829915" });
    expect((await auth.listOutbox("+62881829915")).filter((m) => m.purpose === "password_reset")).toHaveLength(0);
  });

  it("gives an unknown account the same result and sends nothing", async () => {
    const { auth } = await withUser();
    const known = await auth.requestPasswordReset({ identifier: EMAIL });
    const unknown = await auth.requestPasswordReset({ identifier: "nobody@example.com" });
    expect(known).toEqual({ resendInSec: 60 });
    expect(unknown).toEqual(known);
    expect((await auth.listOutbox())).toHaveLength(2); // the sign-up code and the one reset email
    expect((await auth.listOutbox("nobody@example.com"))).toHaveLength(0);
  });

  it("inside the resend cooldown answers RESEND_COOLDOWN for a known and an unknown account alike, without sending again", async () => {
    const { auth } = await withUser();
    await auth.requestPasswordReset({ identifier: EMAIL });
    await auth.requestPasswordReset({ identifier: "nobody@example.com" });
    clock.advanceSec(10);
    const known = await authError(auth.requestPasswordReset({ identifier: EMAIL }));
    const unknown = await authError(auth.requestPasswordReset({ identifier: "nobody@example.com" }));
    expect(known).toMatchObject({ code: "RESEND_COOLDOWN", detail: { retryAfterSec: 50 } });
    expect({ code: unknown.code, detail: unknown.detail }).toEqual({ code: known.code, detail: known.detail });
    expect((await auth.listOutbox(EMAIL)).filter((m) => m.purpose === "password_reset")).toHaveLength(1);
  });

  it("answers the growing wait for the next ask, the same for a known and an unknown account", async () => {
    const { auth } = await withUser();
    const ask = () =>
      Promise.all([auth.requestPasswordReset({ identifier: EMAIL }), auth.requestPasswordReset({ identifier: "nobody@example.com" })]);
    const waits: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const [known, unknown] = await ask();
      waits.push([known.resendInSec, unknown.resendInSec]);
      clock.advanceSec(known.resendInSec);
    }
    expect(waits).toEqual([
      [60, 60],
      [120, 120],
      [240, 240],
    ]);
    expect((await auth.listOutbox(EMAIL)).filter((m) => m.purpose === "password_reset")).toHaveLength(3);
    expect((await auth.listOutbox("nobody@example.com"))).toHaveLength(0);
  });
});

describe("resetPasswordWithCode", () => {
  it("sets the new password and signs every session out", async () => {
    const t = await withUser();
    const bearer = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "bearer" });
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const code = (await lastCode(t.auth, EMAIL));

    await t.auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: NEW_PASSWORD });
    expect((await authError((t.auth.authenticate(t.token)))).code).toBe("UNAUTHORIZED");
    expect((await authError((t.auth.authenticate(bearer.token)))).code).toBe("UNAUTHORIZED");
    expect(await canLogin(t.auth, PASSWORD)).toBe(false);
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
    // The notice says what happened: every session ended, this device's too.
    expect((await t.auth.listOutbox(EMAIL))[0]).toMatchObject({ purpose: "password_changed", code: null, text: expect.stringContaining("every session was signed out, on every device") });
    // The code was used up.
    const again = await authError(t.auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: "yet another passphrase" }));
    expect(again.code).toBe("INVALID_CODE");
  });

  it("refuses a wrong code, and a weak password without using up the code", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const code = (await lastCode(t.auth, EMAIL));
    const bad = code === "000000" ? "000001" : "000000";
    const wrong = await authError(t.auth.resetPasswordWithCode({ identifier: EMAIL, code: bad, newPassword: NEW_PASSWORD }));
    // Tries left are counted for an unknown account too (its decoy), so they tell nothing.
    expect(wrong).toMatchObject({ code: "INVALID_CODE", detail: { attemptsLeft: 4 } });
    await t.auth.requestPasswordReset({ identifier: "nobody@example.com" });
    const unknown = await authError(t.auth.resetPasswordWithCode({ identifier: "nobody@example.com", code: bad, newPassword: NEW_PASSWORD }));
    expect({ code: unknown.code, detail: unknown.detail }).toEqual({ code: wrong.code, detail: wrong.detail });
    const weak = await authError(t.auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: "password123" }));
    expect(weak.code).toBe("WEAK_PASSWORD");
    expect((await t.auth.authenticate(t.token)).user.id).toBe(t.user.id);
    await t.auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: NEW_PASSWORD });
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
  });

  it("by email, an unknown account reads exactly like a wrong code", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const code = (await lastCode(t.auth, EMAIL));
    const bad = code === "000000" ? "000001" : "000000";
    const known = await authError(t.auth.resetPasswordWithCode({ identifier: EMAIL, code: bad, newPassword: NEW_PASSWORD }));
    const unknown = await authError(t.auth.resetPasswordWithCode({ identifier: "nobody@example.com", code: bad, newPassword: NEW_PASSWORD }));
    expect(known.code).toBe("INVALID_CODE");
    // Code, message and detail all reach the client (the tRPC error data carries the detail).
    expect({ code: unknown.code, message: unknown.message, detail: unknown.detail }).toEqual({
      code: known.code,
      message: known.message,
      detail: known.detail,
    });
  });

  it("by username, an unknown or malformed one reads like a wrong code", async () => {
    const t = await withUser();
    for (const username of ["nobody", "x", "@@@"]) {
      const e = await authError(t.auth.resetPasswordWithCode({ username, code: "123456", newPassword: NEW_PASSWORD }));
      expect(e.code, username).toBe("INVALID_CODE");
    }
  });

  it("also kills the link sent in the same email", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const link = (await linkToken(t.auth, EMAIL));
    await t.auth.resetPasswordWithCode({ identifier: EMAIL, code: (await lastCode(t.auth, EMAIL)), newPassword: NEW_PASSWORD });
    // The reset is done; a link still good for 30 minutes would let the email's reader reset it again.
    expect((await authError((t.auth.authenticate(link)))).code).toBe("UNAUTHORIZED");
  });
});

describe("changePassword with a reset link", () => {
  it("authenticates the link with scope password_reset, works once, and signs everything out", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const link = (await linkToken(t.auth, EMAIL));

    const p = (await t.auth.authenticate(link));
    expect(p).toMatchObject({ scope: "password_reset", session: null, user: { id: t.user.id } });
    // The link is good for nothing else.
    expect((await authError((t.auth.listSessions(p)))).code).toBe("UNAUTHORIZED");
    expect((await authError((t.auth.logout(p)))).code).toBe("UNAUTHORIZED");

    await t.auth.changePassword(p, { newPassword: NEW_PASSWORD });
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
    expect((await authError((t.auth.authenticate(t.token)))).code).toBe("UNAUTHORIZED");

    expect((await authError((t.auth.authenticate(link)))).code).toBe("UNAUTHORIZED");
    const replay = await authError(t.auth.changePassword(p, { newPassword: "yet another passphrase" }));
    expect(replay.code).toBe("UNAUTHORIZED");
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
  });

  it("retires the code sent in the same email", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const code = (await lastCode(t.auth, EMAIL));
    await t.auth.changePassword((await t.auth.authenticate((await linkToken(t.auth, EMAIL)))), { newPassword: NEW_PASSWORD });
    const e = await authError(t.auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: "yet another passphrase" }));
    expect(e.code).toBe("INVALID_CODE");
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
  });

  it("expires after 30 minutes", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const link = (await linkToken(t.auth, EMAIL));
    clock.advanceSec(30 * 60 - 1);
    expect((await t.auth.authenticate(link)).scope).toBe("password_reset");
    clock.advanceSec(1);
    expect((await authError((t.auth.authenticate(link)))).code).toBe("UNAUTHORIZED");
  });

  it("refuses a weak password without using up the link", async () => {
    const t = await withUser();
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const link = (await linkToken(t.auth, EMAIL));
    const e = await authError(t.auth.changePassword((await t.auth.authenticate(link)), { newPassword: "short" }));
    expect(e.code).toBe("WEAK_PASSWORD");
    await t.auth.changePassword((await t.auth.authenticate(link)), { newPassword: NEW_PASSWORD });
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
  });
});

describe("changePassword when signed in", () => {
  it("keeps the current session, signs the others out", async () => {
    const t = await withUser();
    const other = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "cookie" });
    await t.auth.changePassword((await t.auth.authenticate(t.token)), { newPassword: NEW_PASSWORD, currentPassword: PASSWORD });
    expect((await t.auth.authenticate(t.token)).user.id).toBe(t.user.id);
    expect((await authError((t.auth.authenticate(other.token)))).code).toBe("UNAUTHORIZED");
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
    // The notice says the same as what happened: the others ended, this one stayed.
    const [notice] = await t.auth.listOutbox(EMAIL);
    expect(notice).toMatchObject({ purpose: "password_changed", text: expect.stringContaining("only the device that changed it stays signed in") });
    expect(notice!.text).not.toContain("on every device");
  });

  it("needs the current password (right) or a recent sign-in", async () => {
    const t = await withUser();
    const p = async () => (await t.auth.authenticate(t.token));
    expect((await authError(t.auth.changePassword((await p()), { newPassword: NEW_PASSWORD, currentPassword: "wrong one!" }))).code).toBe(
      "INVALID_CREDENTIALS",
    );
    clock.advanceSec(601);
    expect((await authError(t.auth.changePassword((await p()), { newPassword: NEW_PASSWORD }))).code).toBe("REAUTH_REQUIRED");
    expect(await canLogin(t.auth, PASSWORD)).toBe(true);
  });
});

describe("requestPasswordResetByAccount (customer number + account number + PIN)", () => {
  async function withPin() {
    const t = await withUser();
    await t.auth.setPin((await t.auth.authenticate(t.token)), { pin: "480215" });
    return t;
  }

  it("emails a code (no link) that resets the password by username", async () => {
    const t = await withPin();
    const input = { customerNumber: t.user.customerNumber, accountNumber: t.user.accountNumber, pin: "480215" };
    await t.auth.requestPasswordResetByAccount(input);
    const [msg] = (await t.auth.listOutbox(EMAIL));
    expect(msg).toMatchObject({ purpose: "password_reset", channel: "email" });
    expect(msg!.text).not.toContain("reset-password");

    await t.auth.resetPasswordWithCode({ username: "ANA", code: msg!.code!, newPassword: NEW_PASSWORD });
    expect(await canLogin(t.auth, NEW_PASSWORD)).toBe(true);
    expect((await authError((t.auth.authenticate(t.token)))).code).toBe("UNAUTHORIZED");
  });

  it("answers USER_NOT_FOUND when the three do not name one user, and sends nothing", async () => {
    const t = await withPin();
    const other = await signUp(t.auth, { email: "bo@example.com", username: "bob" });
    const { customerNumber, accountNumber } = t.user;
    const before = (await t.auth.listOutbox()).length;
    for (const input of [
      { customerNumber, accountNumber: other.user.accountNumber, pin: "480215" },
      { customerNumber: other.user.customerNumber, accountNumber, pin: "480215" },
      { customerNumber, accountNumber, pin: "480216" },
      { customerNumber: 999_999_999_999, accountNumber: "9999999999", pin: "480215" },
    ]) {
      expect((await authError(t.auth.requestPasswordResetByAccount(input))).code).toBe("USER_NOT_FOUND");
    }
    expect((await t.auth.listOutbox())).toHaveLength(before);
  });

  it("answers USER_NOT_FOUND for a user who has no PIN", async () => {
    const t = await withUser();
    const e = await authError(
      t.auth.requestPasswordResetByAccount({ customerNumber: t.user.customerNumber, accountNumber: t.user.accountNumber, pin: "480215" }),
    );
    expect(e.code).toBe("USER_NOT_FOUND");
  });
});
