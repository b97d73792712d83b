/**
 * Issue 10, hole 6: locking a victim out. Nothing that someone else can trigger with only
 * your identifier keeps you out (DESIGN.md, "Abuse defences"): code caps are per purpose,
 * wrong passwords from elsewhere do not lock the owner's own address out, and a code to a
 * proven channel lifts PIN and password lockouts.
 */
import { describe, expect, it } from "vitest";
import { expect004 } from "../testing";
import { advance, attackSetup, fakeDate, MINUTE, realTimersAfterEach, type AttackHarness } from "./support";
import { ATTACKER_IP, PASS, VICTIM_IP, VICTIM_MAIL, VICTIM_PHONE } from "./support";

realTimersAfterEach();

const PIN = "902734";

/** Sends spaced past every cooldown (4 an hour at most), 12 of them: over the daily cap of 10. */
async function flood(h: AttackHarness, send: () => Promise<{ status: number; text: string }>) {
  for (let i = 0; i < 12; i++) {
    advance(16 * MINUTE);
    const res = await send();
    expect([200, 429], res.text).toContain(res.status);
  }
  advance(16 * MINUTE);
}

describe("hole 6 a: caps are per purpose", () => {
  it("after an attacker exhausts password-reset codes to the victim's phone, the victim still gets a login code by SMS", async () => {
    fakeDate();
    const h = attackSetup();
    await h.phoneLoginTrpc(VICTIM_IP, VICTIM_PHONE);
    await flood(h, () => h.mutate(ATTACKER_IP, "auth.forgotPassword", { identifier: VICTIM_PHONE }));
    expect((await h.outbox(VICTIM_PHONE)).filter((m) => m.purpose === "password_reset").length).toBeGreaterThan(0);

    const before = (await h.outbox(VICTIM_PHONE)).filter((m) => m.purpose === "login").length;
    const sent = await h.mutate(VICTIM_IP, "auth.requestPhoneCode", { phone: VICTIM_PHONE });
    expect(sent.status, `ATTACK WORKED: forgot-password requests by someone else stopped the victim's login codes: ${sent.text}`).toBe(200);
    const logins = (await h.outbox(VICTIM_PHONE)).filter((m) => m.purpose === "login");
    expect(logins.length, "ATTACK WORKED: no login code reached the victim").toBe(before + 1);
    const login = await h.mutate(VICTIM_IP, "auth.loginWithPhoneCode", { phone: VICTIM_PHONE, code: logins[0]!.code });
    expect(login.status, login.text).toBe(200);
  });

  it("after an attacker exhausts reset emails (family 002 send-forgot-password), the victim still gets an email verification code", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await h.call(VICTIM_IP, "POST", "/auth/register", { email: VICTIM_MAIL, password: PASS, fullname: "Siti Nurhaliza" });
    expect(reg.status, reg.text).toBe(200);
    await flood(h, () => h.call(ATTACKER_IP, "POST", "/auth/send-forgot-password", { email: VICTIM_MAIL }));
    expect((await h.outbox(VICTIM_MAIL)).filter((m) => m.purpose === "password_reset").length).toBeGreaterThan(0);

    const sent = await h.call(VICTIM_IP, "POST", "/auth/send-otp", { email: VICTIM_MAIL });
    expect(sent.status, `ATTACK WORKED: reset requests by someone else stopped the victim's verification code: ${sent.text}`).toBe(200);
    const codes = (await h.outbox(VICTIM_MAIL)).filter((m) => m.purpose === "verify_email");
    expect(codes.length, "ATTACK WORKED: no verification code reached the victim").toBe(1);
    const ver = await h.call(VICTIM_IP, "POST", "/auth/otp-verify", { email: VICTIM_MAIL, otp_number: codes[0]!.code });
    expect(ver.status, ver.text).toBe(200);
  });
});

describe("hole 6 b: wrong passwords from elsewhere", () => {
  it("15 wrong passwords from the attacker's address do not stop the victim's right password from another address", async () => {
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    for (let i = 0; i < 15; i++) {
      const res = await h.login002(ATTACKER_IP, VICTIM_MAIL, `wrong-guess-${i}`);
      expect([401, 429], res.text).toContain(res.status);
    }
    const res = await h.login002(VICTIM_IP, VICTIM_MAIL, PASS);
    expect(res.status, `ATTACK WORKED: the attacker's wrong passwords locked the owner out: ${res.text}`).toBe(200);
  });
});

/** A victim with a username, an email, a password, a proven phone and a PIN. */
async function fullVictim(h: AttackHarness) {
  const v = await h.verifiedUser003(VICTIM_IP, { username: "sitinur", email: VICTIM_MAIL, password: PASS, phone: VICTIM_PHONE });
  await h.provePhoneSignedIn(VICTIM_IP, v.token, VICTIM_PHONE);
  const set = await h.mutate(VICTIM_IP, "pin.set", { pin: PIN }, v.token);
  expect(set.status, set.text).toBe(200);
  return v;
}

describe("hole 6 c: a code to a proven channel lifts lockouts", () => {
  it("10 wrong PINs lock the PIN; the victim's phone code login lifts it, and the right PIN works again", async () => {
    const h = attackSetup();
    await fullVictim(h);
    for (let i = 0; i < 10; i++) {
      const res = await h.call(ATTACKER_IP, "POST", "/v1/auth/login", { username: "sitinur", mpin: String(100000 + i * 7919) });
      expect004(res, 400);
    }
    expect004(await h.call(VICTIM_IP, "POST", "/v1/auth/login", { username: "sitinur", mpin: PIN }), 400, "Username or Password is invalid");

    await h.phoneLoginTrpc(VICTIM_IP, VICTIM_PHONE);
    const res = await h.call(VICTIM_IP, "POST", "/v1/auth/login", { username: "sitinur", mpin: PIN });
    expect(res.status, `ATTACK WORKED: the PIN the attacker locked stays locked after the owner proved their phone: ${res.text}`).toBe(200);
    expect004(res, 200, "Login success");
  });

  it("wrong passwords that locked the account (even from the victim's own address) are lifted by a phone code login", async () => {
    const h = attackSetup();
    await fullVictim(h);
    // A shared address (carrier NAT): the attacker and the victim look the same.
    for (let i = 0; i < 15; i++) {
      const res = await h.login002(ATTACKER_IP, VICTIM_MAIL, `wrong-guess-${i}`);
      expect([401, 429], res.text).toContain(res.status);
    }
    await h.phoneLoginTrpc(ATTACKER_IP, VICTIM_PHONE);
    const res = await h.login002(ATTACKER_IP, VICTIM_MAIL, PASS);
    expect(res.status, `ATTACK WORKED: the password lock stays after the owner proved their phone: ${res.text}`).toBe(200);
  });
});
