/**
 * Issue 10, hole 2: account pre-hijacking. An identifier on an account is a claim until a
 * code sent to it comes back. Proving it signs you into that account only if nobody
 * established control of the account otherwise (another proven identifier, a PIN, a
 * password set through a signed-in session or a reset); else the claim is dropped from
 * that account and the prover gets a new account of their own (DESIGN.md, "Who owns an
 * identifier").
 */
import { describe, expect, it } from "vitest";
import {
  ATTACKER_IP,
  ATTACKER_MAIL,
  attackSetup,
  jwtPayload,
  PASS,
  PASS2,
  realTimersAfterEach,
  VICTIM_IP,
  VICTIM_PHONE,
  type AttackHarness,
} from "./support";

realTimersAfterEach();

/** Family 001 sign-up by the attacker: their own email, the victim's phone (nothing proven yet). */
async function attackerSignsUpWithVictimsPhone(h: AttackHarness) {
  const signUp = await h.call(ATTACKER_IP, "POST", "/user/sign-up", {
    name: "Mallory",
    email: ATTACKER_MAIL,
    phoneNumber: VICTIM_PHONE,
    birthDate: "1990-01-01",
  });
  expect(signUp.status, signUp.text).toBe(200);
}

/**
 * The attack of the issue: family 001 sign-up with the victim's number and the attacker's
 * mail, the mail proven through family 002, a password set with that fresh session.
 * Answers the attacker's account id.
 */
async function plantAccount(h: AttackHarness): Promise<number> {
  await attackerSignsUpWithVictimsPhone(h);
  const token = await h.proveEmail002(ATTACKER_IP, ATTACKER_MAIL);
  const set = await h.call(ATTACKER_IP, "PATCH", "/auth/update-password", { new_password: PASS2 }, token);
  expect(set.status, `a fresh session may set a password: ${set.text}`).toBe(200);
  return (await h.me(token)).id as number;
}

/** What the victim's token must open, and what the attacker must be left with. */
async function expectSeparated(h: AttackHarness, attackerId: number, victimToken: string) {
  const victim = await h.me(victimToken);
  expect(victim.id, "ATTACK WORKED: the victim's phone login landed in the account the attacker planted and still controls").not.toBe(attackerId);
  expect(victim.email, "ATTACK WORKED: the victim's new account carries the attacker's email").toBeNull();
  expect(victim.phoneVerified, "the victim proved the phone").toBe(true);
  expect(victim.phone).toBe(VICTIM_PHONE);

  const login = await h.login002(ATTACKER_IP, ATTACKER_MAIL, PASS2);
  expect(login.status, `the attacker still has their own account: ${login.text}`).toBe(200);
  const attacker = await h.me(login.body.token);
  expect(attacker.id).toBe(attackerId);
  expect(attacker.phone, "ATTACK WORKED: the attacker's account still claims the victim's phone after the victim proved it").toBeNull();

  const victimSessions = await h.sessionIds(victimToken);
  const attackerSessions = await h.sessionIds(login.body.token);
  expect(
    attackerSessions.filter((id) => victimSessions.includes(id)),
    "ATTACK WORKED: the attacker's token lists the victim's sessions",
  ).toEqual([]);
}

describe("hole 2 a: 001 sign-up with the victim's phone, attacker's email proven and password set; the victim logs in by phone", () => {
  it("through family 001 (/verify-phone + /login) the victim gets a new account; the attacker's account loses the phone", async () => {
    const h = attackSetup();
    const attackerId = await plantAccount(h);
    const victimToken = await h.phoneLogin001(VICTIM_IP, VICTIM_PHONE);
    await expectSeparated(h, attackerId, victimToken);
  });

  it("through family 000 (POST then PUT /api/v1/authentication/{id}/) the id answered and the JWT's sub are the victim's new account", async () => {
    const h = attackSetup();
    const attackerId = await plantAccount(h);
    const { id, token } = await h.phoneLogin000(VICTIM_IP, VICTIM_PHONE);
    expect(id, "ATTACK WORKED: family 000 logged the victim into the attacker's account").not.toBe(String(attackerId));
    expect(jwtPayload(token).sub).toBe(id);
    expect((await h.me(token)).id).toBe(Number(id));
    await expectSeparated(h, attackerId, token);
  });

  it("through tRPC (auth.requestPhoneCode + auth.loginWithPhoneCode) the victim gets a new account", async () => {
    const h = attackSetup();
    const attackerId = await plantAccount(h);
    const { token } = await h.phoneLoginTrpc(VICTIM_IP, VICTIM_PHONE);
    await expectSeparated(h, attackerId, token);
  });
});

describe("hole 2 b: the reverse, the victim proves the phone first, the attacker proves the planted email later", () => {
  it("the attacker's email code gives the attacker a new account, not a token for the victim's; the victim's account drops the email", async () => {
    const h = attackSetup();
    await attackerSignsUpWithVictimsPhone(h);
    const createdId = (await h.userIdByPhone(VICTIM_PHONE))!;

    // Nobody established control yet: the victim's phone code takes the account.
    const { token: victimToken } = await h.phoneLoginTrpc(VICTIM_IP, VICTIM_PHONE);
    const victimBefore = await h.me(victimToken);
    expect(victimBefore.id).toBe(createdId);
    expect(victimBefore.phoneVerified).toBe(true);

    const attackerToken = await h.proveEmail002(ATTACKER_IP, ATTACKER_MAIL);
    const attacker = await h.me(attackerToken);
    expect(attacker.id, "ATTACK WORKED: proving the planted email gave the attacker a token for the victim's account").not.toBe(createdId);
    expect(attacker.email).toBe(ATTACKER_MAIL);

    const victimAfter = await h.me(victimToken);
    expect(victimAfter.id).toBe(createdId);
    expect(victimAfter.email, "ATTACK WORKED: the victim's account still carries the attacker's email").toBeNull();
    expect(victimAfter.phone).toBe(VICTIM_PHONE);
  });
});

describe("hole 2 c: family 003 registration with the victim's unproven phone", () => {
  it("the victim's phone login (family 001) gives a new account, not the attacker's; the attacker's account loses the phone", async () => {
    const h = attackSetup();
    const attacker = await h.verifiedUser003(ATTACKER_IP, { username: "mallory", email: ATTACKER_MAIL, password: PASS, phone: VICTIM_PHONE });
    const victimToken = await h.phoneLogin001(VICTIM_IP, VICTIM_PHONE);
    const victim = await h.me(victimToken);
    expect(victim.id, "ATTACK WORKED: the victim's phone login landed in the attacker's family 003 account").not.toBe(attacker.id);
    expect(victim.email, "ATTACK WORKED: the victim's account carries the attacker's email").toBeNull();
    expect(victim.phoneVerified).toBe(true);

    const login = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/login", { email: ATTACKER_MAIL, password: PASS });
    expect(login.status, login.text).toBe(200);
    const after = await h.me(login.body.token);
    expect(after.id).toBe(attacker.id);
    expect(after.phone, "ATTACK WORKED: the attacker's account keeps the victim's phone").toBeNull();
  });
});
