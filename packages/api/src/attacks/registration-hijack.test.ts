/**
 * Issue 10, hole 3: registration hijack through resend. Completing a verification never
 * installs a password or phone that someone other than the prover chose. Decided:
 * a code obtained by resend-by-email completes the registration WITHOUT the password and
 * phone of the pending registration (whoever pressed resend may not be the registrant);
 * the web resends by `verificationId`, which keeps the registration as registered.
 * Issue 19 changed one rule: pending registrations of one email are independent (a newer
 * one no longer replaces an older one); the first one proven wins and ends the others.
 */
import { describe, expect, it } from "vitest";
import { advance, attackSetup, fakeDate, MINUTE, realTimersAfterEach, type AttackHarness } from "./support";
import { ATTACKER_IP, ATTACKER_PASS, ATTACKER_PHONE, PASS, VICTIM_IP, VICTIM_MAIL } from "./support";

realTimersAfterEach();

const register003 = (h: AttackHarness, ip: string, over: Record<string, unknown>) =>
  h.call(ip, "POST", "/api/v1/auth/register", { fullname: "John Doe", birthday: "10.01.1996", ...over });

const login003 = (h: AttackHarness, ip: string, email: string, password: string) =>
  h.call(ip, "POST", "/api/v1/auth/login", { email, password });

describe("hole 3 a: the attacker registers the victim's email; the victim presses resend and verifies", () => {
  it("the created account has neither the attacker's phone nor the attacker's password", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await register003(h, ATTACKER_IP, { username: "mallory", email: VICTIM_MAIL, password: ATTACKER_PASS, phone: ATTACKER_PHONE });
    expect(reg.status, reg.text).toBe(200);

    advance(2 * MINUTE);
    const resend = await h.call(VICTIM_IP, "POST", "/api/v1/auth/resend", { email: VICTIM_MAIL });
    expect(resend.status, resend.text).toBe(200);
    expect(typeof resend.body.verificationId).toBe("string");
    expect(resend.body.verificationId).not.toBe(reg.body.verificationId);

    const ver = await h.call(VICTIM_IP, "POST", "/api/v1/auth/verify", {
      code: (await h.code(VICTIM_MAIL, "signup")),
      verificationId: resend.body.verificationId,
    });
    expect(ver.status, ver.text).toBe(200);
    expect(ver.body.user.email).toBe(VICTIM_MAIL);
    expect(ver.body.user.phone, "ATTACK WORKED: the attacker's phone was installed on the victim's new account").toBeNull();

    const attackerLogin = await login003(h, ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS);
    expect(attackerLogin.status, `ATTACK WORKED: the attacker logs into the victim's account with the password the attacker chose: ${attackerLogin.text}`).toBe(401);
  });
});

describe("hole 3 b: the victim registers after the attacker", () => {
  it("the victim's registration completes; the attacker's then cannot; only the victim's password works", async () => {
    fakeDate();
    const h = attackSetup();
    const attacker = await register003(h, ATTACKER_IP, { username: "mallory", email: VICTIM_MAIL, password: ATTACKER_PASS, phone: ATTACKER_PHONE });
    expect(attacker.status, attacker.text).toBe(200);
    const attackerMailCode = (await h.code(VICTIM_MAIL, "signup"));

    advance(2 * MINUTE);
    const victim = await register003(h, VICTIM_IP, { username: "siti", email: VICTIM_MAIL, password: PASS });
    expect(victim.status, `the victim's own registration is accepted: ${victim.text}`).toBe(200);
    const victimCode = (await h.code(VICTIM_MAIL, "signup"));

    // The victim's code does not complete the attacker's registration (each has its own code).
    const crossed = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/verify", { code: victimCode, verificationId: attacker.body.verificationId });
    expect(crossed.status, `ATTACK WORKED: the victim's code completes the attacker's registration: ${crossed.text}`).toBe(400);

    const ver = await h.call(VICTIM_IP, "POST", "/api/v1/auth/verify", { code: victimCode, verificationId: victim.body.verificationId });
    expect(ver.status, ver.text).toBe(200);

    // The first proven won: the attacker's registration is over, whatever code comes with it.
    for (const code of new Set([attackerMailCode, victimCode, "123456"])) {
      const res = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/verify", { code, verificationId: attacker.body.verificationId });
      expect(res.status, `ATTACK WORKED: the attacker's registration still completes after the victim's: ${res.text}`).toBe(400);
    }
    expect(ver.body.user.phone, "ATTACK WORKED: the attacker's phone is on the victim's account").toBeNull();
    expect((await login003(h, VICTIM_IP, VICTIM_MAIL, PASS)).status).toBe(200);
    expect((await login003(h, ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS)).status, "ATTACK WORKED: the attacker's password opens the victim's account").toBe(401);
  });
});

describe("hole 3 c: tRPC auth.resendRegistration", () => {
  it("with {verificationId} (the web's form) keeps the registration as registered: the original password logs in", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await h.mutate(VICTIM_IP, "auth.register", { email: VICTIM_MAIL, password: PASS, fullName: "Siti Nurhaliza" });
    expect(reg.status, reg.text).toBe(200);
    const first = reg.body.result.data.verificationId as string;

    advance(2 * MINUTE);
    const resend = await h.mutate(VICTIM_IP, "auth.resendRegistration", { verificationId: first });
    expect(resend.status, `resend by verificationId: ${resend.text}`).toBe(200);
    const next = resend.body.result.data.verificationId as string;
    expect(next).not.toBe(first);

    const ver = await h.mutate(VICTIM_IP, "auth.verifyRegistration", { verificationId: next, code: (await h.code(VICTIM_MAIL, "signup")) });
    expect(ver.status, ver.text).toBe(200);
    expect((await login003(h, VICTIM_IP, VICTIM_MAIL, PASS)).status).toBe(200);
  });

  it("with {email} behaves like family 003's resend: the pending password is not installed", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await h.mutate(ATTACKER_IP, "auth.register", { email: VICTIM_MAIL, password: ATTACKER_PASS, fullName: "Mallory", phone: ATTACKER_PHONE });
    expect(reg.status, reg.text).toBe(200);

    advance(2 * MINUTE);
    const resend = await h.mutate(VICTIM_IP, "auth.resendRegistration", { email: VICTIM_MAIL });
    expect(resend.status, resend.text).toBe(200);
    const ver = await h.mutate(VICTIM_IP, "auth.verifyRegistration", {
      verificationId: resend.body.result.data.verificationId,
      code: (await h.code(VICTIM_MAIL, "signup")),
    });
    expect(ver.status, ver.text).toBe(200);
    expect(ver.body.result.data.user.phone, "ATTACK WORKED: the attacker's phone was installed through tRPC resend").toBeNull();
    expect((await login003(h, ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS)).status, "ATTACK WORKED: tRPC resend by email installed the attacker's password").toBe(401);
  });
});
