import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { authError, fakeClockEachTest, outboxRows, PASSWORD, phoneSignIn, rowCount, signUp, tableRows } from "../test-helpers";
import { createTestAuth } from "../testing";
import type { TokenRequest } from "../flows/sign-in";

const clock = fakeClockEachTest();
const EMAIL = "ana@example.com";
const PHONE = "0881829915";
const jwt: TokenRequest = { type: "jwt" };
const owner = { ip: "198.51.100.7", userAgent: "owner's phone" };
const stranger = { ip: "203.0.113.9", userAgent: "stranger" };

/** The code an authenticator app shows now (or `offsetSec` from now) for `secret`. */
const appCode = (secret: string, offsetSec = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offsetSec * 1000 });

/** Ana, signed up with a password and a phone, with an authenticator app confirmed; her recovery codes. */
async function enrolled() {
  const t = createTestAuth();
  const signedIn = await signUp(t.auth, { email: EMAIL, username: "ana", phone: PHONE });
  const principal = await t.auth.authenticate(signedIn.token);
  const started = await t.auth.startTotp(principal, { name: "Pixel" });
  const confirmed = await t.auth.confirmTotp(principal, { factorId: started.factorId, code: appCode(started.secret) }, owner);
  // The next code must be of a later step: the confirming code was spent.
  clock.advanceSec(30);
  return { ...t, user: signedIn.user, principal, secret: started.secret, recoveryCodes: confirmed.recoveryCodes! };
}

const loginPassword = (t: { auth: ReturnType<typeof createTestAuth>["auth"] }, meta = owner, d: TokenRequest = jwt) =>
  t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, d, meta);

/** The ticket a right first step answers for an enrolled account. */
async function ticketOf(first: Promise<unknown>): Promise<string> {
  const e = await authError(first);
  expect(e.code).toBe("SECOND_FACTOR_REQUIRED");
  expect(e.detail.factors).toEqual(["totp"]);
  return e.detail.ticket!;
}

describe("an account with an authenticator app", () => {
  it("stores the app's secret sealed, gives ten recovery codes once, and audits and tells the owner", async () => {
    const t = await enrolled();
    const [row] = await tableRows(t, "second_factors");
    expect(row).toMatchObject({ kind: "totp", name: "Pixel" });
    expect(String(row!.secret)).not.toContain(t.secret);
    expect(t.recoveryCodes).toHaveLength(10);
    expect(JSON.stringify(await tableRows(t, "recovery_codes"))).not.toContain(t.recoveryCodes[0]!.replace("-", ""));
    expect((await t.auth.listFactors(t.principal)).recoveryCodesLeft).toBe(10);
    expect((await outboxRows(t)).map((m) => m.purpose)).toContain("factor_added");
    expect(await rowCount(t, "audit_events")).toBeGreaterThan(0);
  });

  it("never signs in on a password, a PIN or a code alone: no session, only a ticket", async () => {
    const t = await enrolled();
    await t.auth.stepUp(t.principal, { password: PASSWORD }, owner);
    await t.auth.setPin(t.principal, { pin: "480913" }, owner);
    // A proven phone: an unproven one would sign in to a new account of its own (users/claims.ts).
    await t.sql.run("update users set phone_verified_at = ? where id = ?", Date.now(), t.user.id);
    const sessions = await rowCount(t, "sessions");
    await ticketOf(loginPassword(t));
    await ticketOf(t.auth.loginWithPin({ username: "ana", pin: "480913" }, jwt, owner));
    await ticketOf(phoneSignIn(t.auth, PHONE));
    expect(await rowCount(t, "sessions")).toBe(sessions);
    expect((await tableRows(t, "audit_events")).filter((e) => e.kind === "second_factor_required")).toHaveLength(3);
  });

  it("signs in with the ticket and a code from the app, once: the ticket and the code are both spent", async () => {
    const t = await enrolled();
    const ticket = await ticketOf(loginPassword(t));
    const code = appCode(t.secret);
    const s = await t.auth.signInSecondStep({ ticket, totp: code }, jwt, owner);
    expect((await t.auth.authenticate(s.token)).user.id).toBe(t.user.id);
    expect((await authError(t.auth.signInSecondStep({ ticket, totp: code }, jwt, owner))).code).toBe("SECOND_STEP_EXPIRED");
    // The same code on a fresh ticket: a replay within its step.
    const again = await ticketOf(loginPassword(t));
    expect((await authError(t.auth.signInSecondStep({ ticket: again, totp: code }, jwt, owner))).code).toBe("INVALID_CODE");
  });

  it("accepts a code one step old or early, and not two", async () => {
    const t = await enrolled();
    // Past the step the enrolment spent, so the step before now is a fresh one.
    clock.advanceSec(30);
    const ticket = await ticketOf(loginPassword(t));
    expect((await authError(t.auth.signInSecondStep({ ticket, totp: appCode(t.secret, -60) }, jwt, owner))).code).toBe("INVALID_CODE");
    await expect(t.auth.signInSecondStep({ ticket, totp: appCode(t.secret, -30) }, jwt, owner)).resolves.toMatchObject({ user: { id: t.user.id } });
    const early = await ticketOf(loginPassword(t));
    expect((await authError(t.auth.signInSecondStep({ ticket: early, totp: appCode(t.secret, 60) }, jwt, owner))).code).toBe("INVALID_CODE");
    await expect(t.auth.signInSecondStep({ ticket: early, totp: appCode(t.secret, 30) }, jwt, owner)).resolves.toMatchObject({ user: { id: t.user.id } });
  });

  it("lets a ticket die after its time, and after its tries", async () => {
    const t = await enrolled();
    const late = await ticketOf(loginPassword(t));
    clock.advanceSec(t.auth.options.secondFactor.ticketTtlSec);
    expect((await authError(t.auth.signInSecondStep({ ticket: late, totp: appCode(t.secret) }, jwt, owner))).code).toBe("SECOND_STEP_EXPIRED");

    const ticket = await ticketOf(loginPassword(t));
    for (let i = t.auth.options.secondFactor.triesPerTicket - 1; i >= 0; i--) {
      const e = await authError(t.auth.signInSecondStep({ ticket, totp: "000000" }, jwt, owner));
      expect(e).toMatchObject({ code: "INVALID_CODE", detail: { attemptsLeft: i } });
    }
    expect((await authError(t.auth.signInSecondStep({ ticket, totp: appCode(t.secret) }, jwt, owner))).code).toBe("SECOND_STEP_EXPIRED");
  });

  it("refuses another client's ticket: another delivery, or without the known device the first step came from", async () => {
    const t = await enrolled();
    const ticket = await ticketOf(loginPassword(t, owner, { type: "cookie" }));
    expect((await authError(t.auth.signInSecondStep({ ticket, totp: appCode(t.secret) }, jwt, owner))).code).toBe("SECOND_STEP_EXPIRED");
    expect((await authError(t.auth.signInSecondStep({ ticket: `${ticket}x`, totp: appCode(t.secret) }, { type: "cookie" }, owner))).code).toBe(
      "SECOND_STEP_EXPIRED",
    );

    // A first step from a known device binds its ticket to that device.
    const first = await t.auth.signInSecondStep({ ticket, totp: appCode(t.secret) }, { type: "cookie" }, owner);
    const device = { ...owner, device: first.deviceToken };
    clock.advanceSec(30);
    const bound = await ticketOf(loginPassword(t, device));
    expect((await authError(t.auth.signInSecondStep({ ticket: bound, totp: appCode(t.secret) }, jwt, owner))).code).toBe("SECOND_STEP_EXPIRED");
    await expect(t.auth.signInSecondStep({ ticket: bound, totp: appCode(t.secret) }, jwt, device)).resolves.toBeDefined();
  });

  it("does not let a stranger's wrong codes spend the owner's tries", async () => {
    const t = await enrolled();
    const limit = t.auth.options.limits.secondFactorFailures.max;
    // The stranger knows the password: every ticket they earn costs them their own tries only.
    let refused = "";
    for (let i = 0; i < limit + 2 && !refused; i++) {
      const ticket = await ticketOf(loginPassword(t, stranger));
      for (let j = 0; j < t.auth.options.secondFactor.triesPerTicket; j++) {
        const e = await authError(t.auth.signInSecondStep({ ticket, totp: String(100000 + i * 10 + j) }, jwt, stranger));
        if (e.code === "TOO_MANY_ATTEMPTS") {
          refused = e.code;
          break;
        }
      }
    }
    expect(refused).toBe("TOO_MANY_ATTEMPTS");
    const ticket = await ticketOf(loginPassword(t, owner));
    await expect(t.auth.signInSecondStep({ ticket, totp: appCode(t.secret) }, jwt, owner)).resolves.toMatchObject({ user: { id: t.user.id } });
  });

  it("takes a recovery code once, audits it and tells the owner", async () => {
    const t = await enrolled();
    const code = t.recoveryCodes[3]!;
    const ticket = await ticketOf(loginPassword(t));
    await t.auth.signInSecondStep({ ticket, recoveryCode: code.toLowerCase() }, jwt, owner);
    const again = await ticketOf(loginPassword(t));
    expect((await authError(t.auth.signInSecondStep({ ticket: again, recoveryCode: code }, jwt, owner))).code).toBe("INVALID_CODE");
    expect((await tableRows(t, "audit_events")).filter((e) => e.kind === "recovery_code_used")).toHaveLength(1);
    expect((await outboxRows(t)).map((m) => m.purpose)).toContain("recovery_code_used");
    expect((await t.auth.listFactors(t.principal)).recoveryCodesLeft).toBe(9);
  });
});

describe("step-up", () => {
  it("guards factor changes: a sign-in counts for a few minutes, then a proof is needed", async () => {
    const t = await enrolled();
    const [factor] = (await t.auth.listFactors(t.principal)).factors;
    clock.advanceSec(t.auth.options.secondFactor.stepUpSec);
    const principal = await t.auth.authenticate((await t.auth.issueToken(t.principal, jwt)).token);
    expect((await authError(t.auth.removeFactor(principal, factor!.id, owner))).code).toBe("STEP_UP_REQUIRED");
    expect((await authError(t.auth.regenerateRecoveryCodes(principal, owner))).code).toBe("STEP_UP_REQUIRED");
    expect((await authError(t.auth.startTotp(principal, {}))).code).toBe("STEP_UP_REQUIRED");
    expect((await authError(t.auth.stepUp(principal, { password: "not the password at all" }, owner))).code).toBe("INVALID_CREDENTIALS");
    await t.auth.stepUp(principal, { totp: appCode(t.secret) }, owner);
    const fresh = await t.auth.authenticate((await t.auth.issueToken(principal, jwt)).token);
    expect((await t.auth.regenerateRecoveryCodes(fresh, owner)).recoveryCodes).toHaveLength(10);
  });

  it("guards signing other devices out, not this one: a stolen old session cannot sign the owner out", async () => {
    const t = createTestAuth();
    await signUp(t.auth, { email: EMAIL });
    const a = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, jwt, owner);
    const b = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, jwt, stranger);
    clock.advanceSec(t.auth.options.secondFactor.stepUpSec + 1);
    const thief = await t.auth.authenticate((await t.auth.issueToken(await t.auth.authenticate(b.token), jwt)).token);
    expect((await authError(t.auth.revokeSession(thief, a.session.id, stranger))).code).toBe("STEP_UP_REQUIRED");
    expect((await authError(t.auth.revokeAllSessions(thief, { keepCurrent: true }, stranger))).code).toBe("STEP_UP_REQUIRED");
    expect((await t.auth.authenticate(a.token)).session!.id).toBe(a.session.id);
    // The owner proves it (or signs in afresh) and signs the thief out; signing out here needs nothing.
    const ownerToken = (await t.auth.issueToken(await t.auth.authenticate(a.token), jwt)).token;
    await t.auth.stepUp(await t.auth.authenticate(ownerToken), { password: PASSWORD }, owner);
    expect(await t.auth.revokeAllSessions(await t.auth.authenticate(ownerToken), { keepCurrent: true }, owner)).toBe(2); // the thief's, and the sign-up's
    await expect(t.auth.authenticate(b.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await t.auth.revokeSession(await t.auth.authenticate(ownerToken), a.session.id, owner);
  });

  it("takes a PIN only on a known device of the account", async () => {
    const t = await enrolled();
    await t.auth.setPin(t.principal, { pin: "480913" }, owner);
    const ticket = await ticketOf(loginPassword(t));
    const s = await t.auth.signInSecondStep({ ticket, totp: appCode(t.secret) }, jwt, owner);
    const principal = await t.auth.authenticate(s.token);
    expect((await authError(t.auth.stepUp(principal, { pin: "480913" }, owner))).code).toBe("STEP_UP_REQUIRED");
    await expect(t.auth.stepUp(principal, { pin: "480913" }, { ...owner, device: s.deviceToken })).resolves.toEqual({
      validForSec: t.auth.options.secondFactor.stepUpSec,
    });
  });

  it("removing the last factor takes the recovery codes with it, and a password signs in alone again", async () => {
    const t = await enrolled();
    await t.auth.stepUp(t.principal, { password: PASSWORD }, owner);
    const principal = await t.auth.authenticate((await t.auth.issueToken(t.principal, jwt)).token);
    const [factor] = (await t.auth.listFactors(principal)).factors;
    expect(await t.auth.removeFactor(principal, factor!.id, owner)).toEqual({ factors: [], recoveryCodesLeft: 0 });
    expect((await outboxRows(t)).map((m) => m.purpose)).toContain("factor_removed");
    await expect(loginPassword(t)).resolves.toMatchObject({ user: { id: t.user.id } });
  });

  it("lets an admin see and reset an account's factors after the admin's own step-up, never its secret", async () => {
    const t = await enrolled();
    await signUp(t.auth, { email: "root@example.com", username: "root" });
    await t.auth.grantAdminFromCli("root");
    const adminPrincipal = await t.auth.authenticate((await t.auth.loginWithPassword({ identifier: "root", password: PASSWORD }, jwt)).token);
    const seen = await t.auth.adminListFactors(adminPrincipal, t.user.id);
    expect(seen.factors).toEqual([expect.objectContaining({ kind: "totp", name: "Pixel" })]);
    expect(JSON.stringify(seen)).not.toContain(t.secret);
    clock.advanceSec(t.auth.options.secondFactor.stepUpSec + 1);
    const adminToken = (await t.auth.issueToken(adminPrincipal, jwt)).token;
    const stale = await t.auth.authenticate(adminToken);
    expect((await authError(t.auth.adminResetFactors(stale, t.user.id))).code).toBe("STEP_UP_REQUIRED");
    await t.auth.stepUp(stale, { password: PASSWORD });
    expect(await t.auth.adminResetFactors(await t.auth.authenticate(adminToken), t.user.id)).toEqual({ removed: 1 });
    expect((await tableRows(t, "audit_events")).filter((e) => e.kind === "factors_reset")).toHaveLength(1);
    await expect(loginPassword(t)).resolves.toBeDefined();
  });
});
