/**
 * Issue 19, items 1 (pending registrations), 4 (family 002 pre-hijack) and 8 (hash before the
 * 409, forgot-password's work before the answer), replayed through the API's fetch handler as
 * an attacker would: the attacker knows only the victim's email.
 *
 * - Pending registrations of one email are independent: each has its own verificationId and
 *   code, a stranger's registration or resend never cancels yours, the first one proven wins
 *   and the others then answer as expired (status 410) or a dead code (verify 400).
 * - A password given at registration survives the email's proof only when the proof comes
 *   from the client that registered (same address group) while the registration is fresh: the
 *   proving code was asked for within one code lifetime of the registration (so at most two
 *   lifetimes, 10 minutes by default, from registering to proving). Otherwise the prover is
 *   signed in and sets their own password; the registrant's password, username and names go.
 *   The same for family 003's resend by email.
 */
import { describe, expect, it, vi } from "vitest";
import { advance, attackSetup, fakeDate, MINUTE, realTimersAfterEach, type AttackHarness } from "./support";
import { ATTACKER_IP, ATTACKER_PASS, ATTACKER_PHONE, PASS, PASS2, VICTIM_IP, VICTIM_MAIL } from "./support";

realTimersAfterEach();

/** Same /64 and same IPv4 address: one client for the limits and for "who registered". */
const VICTIM_NEIGHBOUR_IP = VICTIM_IP;

const register003 = (h: AttackHarness, ip: string, over: Record<string, unknown>) =>
  h.call(ip, "POST", "/api/v1/auth/register", { fullname: "John Doe", birthday: "10.01.1996", ...over });
const status003 = (h: AttackHarness, ip: string, id: string) => h.call(ip, "GET", `/api/v1/auth/status?id=${encodeURIComponent(id)}`);
const verify003 = (h: AttackHarness, ip: string, verificationId: string, code: string) =>
  h.call(ip, "POST", "/api/v1/auth/verify", { code, verificationId });
const login003 = (h: AttackHarness, ip: string, email: string, password: string) => h.call(ip, "POST", "/api/v1/auth/login", { email, password });
const register002 = (h: AttackHarness, ip: string, email: string, password: string, fullname = "Mallory Jahat") =>
  h.call(ip, "POST", "/auth/register", { email, password, fullname });

/** Rows of a table, read the same way on both engines. */
const rowCount = async (h: AttackHarness, table: string) => Number((await h.sql.get(`select count(*) as n from ${table}`))!.n);

/** A service on a fake Date where the victim has a pending family 003 registration; its code. */
async function victimRegistered003() {
  fakeDate();
  const h = attackSetup();
  const victim = await register003(h, VICTIM_IP, { username: "siti", email: VICTIM_MAIL, password: PASS });
  expect(victim.status, victim.text).toBe(200);
  return { h, victim, victimCode: await h.code(VICTIM_MAIL, "signup") };
}

describe("item 1: a stranger's registration of your email does not cancel yours", () => {
  it("family 003: the victim's pending registration still completes after the attacker registers the same email; the attacker's then answers expired", async () => {
    const { h, victim, victimCode } = await victimRegistered003();

    advance(2 * MINUTE);
    const attacker = await register003(h, ATTACKER_IP, { username: "mallory", email: VICTIM_MAIL, password: ATTACKER_PASS, phone: ATTACKER_PHONE });
    expect(attacker.status, attacker.text).toBe(200);
    expect(attacker.body.verificationId).not.toBe(victim.body.verificationId);
    const attackerCode = await h.code(VICTIM_MAIL, "signup");

    const pending = await status003(h, VICTIM_IP, victim.body.verificationId);
    expect(pending.status, `ATTACK WORKED: the stranger's registration cancelled the victim's pending one: ${pending.text}`).toBe(200);

    const ver = await verify003(h, VICTIM_IP, victim.body.verificationId, victimCode);
    expect(ver.status, `ATTACK WORKED: the victim's own code no longer completes their registration: ${ver.text}`).toBe(200);
    expect(ver.body.user).toMatchObject({ email: VICTIM_MAIL, username: "siti", phone: null });
    expect((await login003(h, VICTIM_IP, VICTIM_MAIL, PASS)).status).toBe(200);

    // The first proven won: the other registration is over, and no second user appears.
    expect((await status003(h, ATTACKER_IP, attacker.body.verificationId)).status).toBe(410);
    const late = await verify003(h, ATTACKER_IP, attacker.body.verificationId, attackerCode);
    expect(late.status, late.text).toBe(400);
    expect(await h.userCount()).toBe(1);
    expect((await login003(h, ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS)).status).toBe(401);
  });

  it("tRPC auth.register (the web sign-up): each registration has its own id and code; the first proven wins", async () => {
    fakeDate();
    const h = attackSetup();
    const mine = await h.mutate(VICTIM_IP, "auth.register", { email: VICTIM_MAIL, password: PASS, fullName: "Siti Nurhaliza" });
    expect(mine.status, mine.text).toBe(200);
    const myCode = await h.code(VICTIM_MAIL, "signup");
    advance(2 * MINUTE);
    const theirs = await h.mutate(ATTACKER_IP, "auth.register", { email: VICTIM_MAIL, password: ATTACKER_PASS, fullName: "Mallory" });
    expect(theirs.status, theirs.text).toBe(200);

    const ver = await h.mutate(VICTIM_IP, "auth.verifyRegistration", { verificationId: mine.body.result.data.verificationId, code: myCode });
    expect(ver.status, `ATTACK WORKED: a stranger's tRPC registration cancelled the victim's: ${ver.text}`).toBe(200);
    const st = await h.query(ATTACKER_IP, "auth.registrationStatus", { verificationId: theirs.body.result.data.verificationId });
    expect(st.status, st.text).toBe(412);
    expect(st.body.error.data.authCode).toBe("VERIFICATION_EXPIRED");
    expect(await h.userCount()).toBe(1);
  });

  it("family 003: a stranger's resend by email does not cancel the victim's registration nor change it", async () => {
    const { h, victim, victimCode } = await victimRegistered003();

    advance(2 * MINUTE);
    const resend = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/resend", { email: VICTIM_MAIL });
    expect(resend.status, resend.text).toBe(200);
    expect(resend.body.verificationId).not.toBe(victim.body.verificationId);

    const pending = await status003(h, VICTIM_IP, victim.body.verificationId);
    expect(pending.status, `ATTACK WORKED: a stranger's resend cancelled the victim's registration: ${pending.text}`).toBe(200);
    const ver = await verify003(h, VICTIM_IP, victim.body.verificationId, victimCode);
    expect(ver.status, ver.text).toBe(200);
    expect(ver.body.user.username).toBe("siti");
    expect((await login003(h, VICTIM_IP, VICTIM_MAIL, PASS)).status, "the victim's own password opens the account").toBe(200);
    expect((await status003(h, ATTACKER_IP, resend.body.verificationId)).status).toBe(410);
  });

  it("family 003: a stranger's resend by email is counted on the stranger's own cooldown, and leaves the registrant's registration pending", async () => {
    fakeDate();
    const h = attackSetup();
    const victim = await register003(h, VICTIM_IP, { username: "siti", email: VICTIM_MAIL, password: PASS });
    expect(victim.status, victim.text).toBe(200);
    const first = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/resend", { email: VICTIM_MAIL });
    expect(first.status, `the victim's cooldown is not the stranger's: ${first.text}`).toBe(200);
    expect(first.body.verificationId).not.toBe(victim.body.verificationId);
    const again = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/resend", { email: VICTIM_MAIL });
    expect(again.status, again.text).toBe(429);
    expect(again.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await status003(h, VICTIM_IP, victim.body.verificationId)).status, "ATTACK WORKED: the stranger's resend cancelled the registration").toBe(200);
  });

  it("family 003: the registrant's own resend by email, soon after registering, replaces their registration and keeps what they chose", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await register003(h, VICTIM_IP, { username: "siti", email: VICTIM_MAIL, password: PASS });
    expect(reg.status, reg.text).toBe(200);
    advance(2 * MINUTE);
    const resend = await h.call(VICTIM_NEIGHBOUR_IP, "POST", "/api/v1/auth/resend", { email: VICTIM_MAIL });
    expect(resend.status, resend.text).toBe(200);
    expect((await status003(h, VICTIM_IP, reg.body.verificationId)).status, "the old verificationId stops working").toBe(410);
    const ver = await verify003(h, VICTIM_IP, resend.body.verificationId, await h.code(VICTIM_MAIL, "signup"));
    expect(ver.status, ver.text).toBe(200);
    expect(ver.body.user.username).toBe("siti");
    expect((await login003(h, VICTIM_IP, VICTIM_MAIL, PASS)).status, "the registrant's password survives their own fresh resend").toBe(200);
  });
});

describe("item 4: family 002 pre-hijack", () => {
  async function attackerRegisters(h: AttackHarness, ip = ATTACKER_IP) {
    const reg = await register002(h, ip, VICTIM_MAIL, ATTACKER_PASS);
    expect(reg.status, reg.text).toBe(200);
  }

  it("the attacker registers the victim's email with a password; the victim proves the email (send-otp, otp-verify): the attacker's password no longer opens it", async () => {
    fakeDate();
    const h = attackSetup();
    await attackerRegisters(h);
    advance(MINUTE);
    const token = await h.proveEmail002(VICTIM_IP, VICTIM_MAIL);
    const victim = await h.me(token);
    expect(victim).toMatchObject({ email: VICTIM_MAIL, emailVerified: true });

    const attackerLogin = await h.login002(ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS);
    expect(attackerLogin.status, `ATTACK WORKED: the attacker's registration password opens the account the victim proved: ${attackerLogin.text}`).toBe(401);
    expect(victim.fullName, "ATTACK WORKED: the attacker's chosen name stays on the victim's account").toBeNull();
    expect(victim.username).toBeNull();

    // The victim, signed in by the code, sets their own password.
    const set = await h.call(VICTIM_IP, "PATCH", "/auth/update-password", { new_password: PASS2 }, token);
    expect(set.status, set.text).toBe(200);
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, PASS2)).status).toBe(200);
    expect(await h.userCount()).toBe(1);
  });

  it("through tRPC auth.sendEmailVerification + auth.verifyEmail too", async () => {
    fakeDate();
    const h = attackSetup();
    await attackerRegisters(h);
    advance(MINUTE);
    expect((await h.mutate(VICTIM_IP, "auth.sendEmailVerification", { email: VICTIM_MAIL })).status).toBe(200);
    const ver = await h.mutate(VICTIM_IP, "auth.verifyEmail", { email: VICTIM_MAIL, code: await h.code(VICTIM_MAIL, "verify_email") });
    expect(ver.status, ver.text).toBe(200);
    const attackerLogin = await h.login002(ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS);
    expect(attackerLogin.status, `ATTACK WORKED: tRPC verifyEmail kept the attacker's password: ${attackerLogin.text}`).toBe(401);
  });

  it("through forgot password by code (tRPC auth.forgotPassword + auth.resetPassword): the attacker's name goes with their password", async () => {
    fakeDate();
    const h = attackSetup();
    await attackerRegisters(h);
    advance(MINUTE);
    expect((await h.mutate(VICTIM_IP, "auth.forgotPassword", { identifier: VICTIM_MAIL })).status).toBe(200);
    const reset = await h.mutate(VICTIM_IP, "auth.resetPassword", {
      identifier: VICTIM_MAIL,
      code: await h.code(VICTIM_MAIL, "password_reset"),
      newPassword: PASS2,
    });
    expect(reset.status, reset.text).toBe(200);
    expect((await h.login002(ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS)).status).toBe(401);
    const login = await h.login002(VICTIM_IP, VICTIM_MAIL, PASS2);
    expect(login.status, login.text).toBe(200);
    expect((await h.me(login.body.token)).fullName, "ATTACK WORKED: the attacker's chosen name stays after the victim's reset").toBeNull();
  });

  it("the same client, but long after registering (a shared address): the password does not survive either", async () => {
    fakeDate();
    const h = attackSetup();
    await attackerRegisters(h, VICTIM_NEIGHBOUR_IP);
    advance(11 * MINUTE);
    const token = await h.proveEmail002(VICTIM_IP, VICTIM_MAIL);
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, ATTACKER_PASS)).status, "ATTACK WORKED: a stale registration's password survived").toBe(401);
    expect((await h.me(token)).fullName).toBeNull();
  });

  it("honest: the registrant proves from the same client within the window and keeps their password and name", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await register002(h, VICTIM_IP, VICTIM_MAIL, PASS, "Siti Nurhaliza");
    expect(reg.status, reg.text).toBe(200);
    advance(4 * MINUTE);
    expect((await h.call(VICTIM_IP, "POST", "/auth/send-otp", { email: VICTIM_MAIL })).status).toBe(200);
    advance(4 * MINUTE);
    const ver = await h.call(VICTIM_IP, "POST", "/auth/otp-verify", { email: VICTIM_MAIL, otp_number: await h.code(VICTIM_MAIL, "verify_email") });
    expect(ver.status, ver.text).toBe(200);
    expect((await h.me(ver.body.token)).fullName).toBe("Siti Nurhaliza");
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, PASS)).status, "the honest registrant's password works").toBe(200);
  });

  it("family 003 resend by email: the username, name, bio and picture a stranger chose do not stay", async () => {
    fakeDate();
    const h = attackSetup();
    const reg = await register003(h, ATTACKER_IP, {
      username: "mallory",
      email: VICTIM_MAIL,
      password: ATTACKER_PASS,
      fullname: "Mallory Jahat",
      bio: "planted",
      pictureUrl: "https://attacker.example/me.png",
    });
    expect(reg.status, reg.text).toBe(200);
    advance(2 * MINUTE);
    const resend = await h.call(VICTIM_IP, "POST", "/api/v1/auth/resend", { email: VICTIM_MAIL });
    expect(resend.status, resend.text).toBe(200);
    const ver = await verify003(h, VICTIM_IP, resend.body.verificationId, await h.code(VICTIM_MAIL, "signup"));
    expect(ver.status, ver.text).toBe(200);
    const me = await h.me(ver.body.token);
    expect(
      { username: me.username, fullName: me.fullName, bio: me.bio, pictureUrl: me.pictureUrl },
      "ATTACK WORKED: the stranger's choices are on the victim's account",
    ).toEqual({ username: null, fullName: null, bio: null, pictureUrl: null });
    expect((await login003(h, ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS)).status).toBe(401);
  });
});

describe("item 8: probing family 002 register costs no hash", () => {
  it("a taken email answers the same 409 and costs no argon2 work", async () => {
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL);
    const argon2 = h.hasher.calls;
    const before = argon2.hash + argon2.verify;
    const hashesBefore = argon2.hash;
    const probe = await register002(h, ATTACKER_IP, VICTIM_MAIL, ATTACKER_PASS);
    expect(probe.status).toBe(409);
    expect(probe.body).toEqual({ error: "Email sudah terdaftar" });
    expect(argon2.hash + argon2.verify - before, "ATTACK WORKED: a registration probe of a taken email costs a password hash").toBe(0);
    // A free email still costs its one hash.
    const fresh = await register002(h, ATTACKER_IP, "someone.new@example.com", ATTACKER_PASS);
    expect(fresh.status, fresh.text).toBe(200);
    expect(argon2.hash - hashesBefore).toBe(1);
  });

  it("past the per-address sign-up limit, a probe answers 429 and costs no hash", async () => {
    const h = attackSetup({ options: { limits: { signupPerIp: { max: 1, windowSec: 3600 } } } });
    expect((await register002(h, ATTACKER_IP, "first.one@example.com", ATTACKER_PASS)).status).toBe(200);
    const argon2 = h.hasher.calls;
    const before = argon2.hash + argon2.verify;
    const probe = await register002(h, ATTACKER_IP, "second.one@example.com", ATTACKER_PASS);
    expect(probe.status).toBe(429);
    expect(argon2.hash + argon2.verify - before).toBe(0);
  });
});

describe("item 8: forgot-password does the same store work before its answer for known and unknown emails", () => {
  const TABLES = ["challenges", "opaque_tokens", "outbox", "audit_events", "rate_limits", "sessions", "users", "credentials"];

  async function counts(h: AttackHarness): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = await rowCount(h, t);
    return out;
  }

  async function writtenBeforeAnswer(h: AttackHarness, send: () => Promise<{ status: number }>) {
    // Work a flow defers until after its answer is held here, so the count is exact on either engine.
    const held: (() => void)[] = [];
    const later = (h.auth.ctx as unknown as { later?: { held: (() => void)[] | null } }).later;
    if (later) later.held = held;
    const before = await counts(h);
    const res = await send();
    expect(res.status).toBe(200);
    const after = await counts(h);
    if (later) later.held = null;
    for (const run of held) run();
    await h.outbox(); // waits for the released work to finish
    return Object.fromEntries(TABLES.map((t) => [t, after[t]! - before[t]!]));
  }

  it.each([
    ["family 002 /auth/send-forgot-password", (h: AttackHarness, email: string) => h.call(ATTACKER_IP, "POST", "/auth/send-forgot-password", { email })],
    ["tRPC auth.forgotPassword", (h: AttackHarness, email: string) => h.mutate(ATTACKER_IP, "auth.forgotPassword", { identifier: email })],
  ])("%s: the rows written before the answer are the same; the known account's mail still goes out after it", async (_door, send) => {
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL);
    // The asking client's own per-address bucket is made by its first request: make it now.
    expect((await send(h, "warm.up@example.com")).status).toBe(200);
    // Both emails have had a code before (the known one its verification, the unknown one a
    // send-otp decoy), so the buckets a destination's codes share exist for both: the counts
    // compare the work a request does, not the history of the address.
    expect((await h.call(VICTIM_IP, "POST", "/auth/send-otp", { email: "nobody.here@example.com" })).status).toBe(200);
    const known = await writtenBeforeAnswer(h, () => send(h, VICTIM_MAIL));
    const unknown = await writtenBeforeAnswer(h, () => send(h, "nobody.here@example.com"));
    expect(known, "ATTACK WORKED: a known account makes forgot-password write more before it answers").toEqual(unknown);

    await vi.waitFor(async () => {
      const mail = (await h.outbox(VICTIM_MAIL)).find((m) => m.purpose === "password_reset");
      expect(mail?.text).toMatch(/reset-password\?token=/);
    });
    expect(await h.outbox("nobody.here@example.com")).toEqual([]);
  });
});
