/**
 * Issue 10, holes 2 and 3, replayed against the production bundle as an attacker would:
 * plain HTTP to the documented routes, codes read from the dev outbox over HTTP (the server
 * runs in its default `local` outbox mode, and the test is on the same machine), once per engine
 * (and through two instances on one PostgreSQL database) on a fresh database (PostgreSQL is skipped, saying why, without a server).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { callAs, outboxCode, serverEngines, sharedServiceForBlock, uniquePhone, uniqueTag } from "./support/server";

let base = "";

const call = (method: string, route: string, body?: unknown, token?: string) => callAs(base, method, route, body, token);

const codeFor = (to: string, purpose: string) => outboxCode(base, to, purpose);

const me = async (token: string) => {
  const res = await call("GET", "/api/trpc/user.me", undefined, token);
  expect(res.status, res.text).toBe(200);
  return res.body.result.data as { id: number; email: string | null; phone: string | null; phoneVerified: boolean };
};

describe.each(serverEngines)("production server on %s", (engine) => {
  // The run's default service, shared with other files: every name, address and number is the test's own.
  const block = sharedServiceForBlock(engine);
  if (!block) return;
  beforeAll(() => {
    base = block.service().base;
  });

  it("hole 2: an account planted with the victim's phone does not receive the victim's phone login", async () => {
    const victimPhone = uniquePhone();
    const attackerMail = `mallory.${uniqueTag()}@example.com`;
    // The attacker signs up with the victim's phone and proves their own email, then sets a password.
    expect((await call("POST", "/user/sign-up", { name: "M", email: attackerMail, phoneNumber: victimPhone, birthDate: "1990-01-01" })).status).toBe(200);
    expect((await call("POST", "/auth/send-otp", { email: attackerMail })).status).toBe(200);
    const verified = await call("POST", "/auth/otp-verify", { email: attackerMail, otp_number: await codeFor(attackerMail, "verify_email") });
    expect(verified.status, verified.text).toBe(200);
    const attacker = await me(verified.body.token);
    expect((await call("PATCH", "/auth/update-password", { new_password: "attacker pass 77!" }, verified.body.token)).status).toBe(200);

    // The victim logs in by phone (family 001).
    expect((await call("POST", "/verify-phone", { phoneNumber: victimPhone })).status).toBe(200);
    const login = await call("POST", "/login", { phoneNumber: victimPhone, verificationCode: await codeFor(victimPhone, "login") });
    expect(login.status, login.text).toBe(200);
    const victim = await me(login.body.content.accessToken);
    expect(victim.id, "ATTACK WORKED: the victim landed in the attacker's account").not.toBe(attacker.id);
    expect(victim).toMatchObject({ email: null, phone: victimPhone, phoneVerified: true });
    // The attacker's account no longer carries the victim's phone.
    const again = await call("POST", "/auth/login", { email: attackerMail, password: "attacker pass 77!" });
    expect(again.status, again.text).toBe(200);
    expect((await me(again.body.token)).phone).toBeNull();
  });

  it("hole 3: a registration someone else made of your email neither blocks yours nor lends you their credentials", async () => {
    const tag = uniqueTag();
    const victimMail = `victim.${tag}@example.com`;
    const attackerReg = await call("POST", "/api/v1/auth/register", {
      username: `mallory_${tag}`,
      email: victimMail,
      phone: uniquePhone(),
      password: "attacker pass 1234!",
      fullname: "Mallory",
    });
    expect(attackerReg.status, attackerReg.text).toBe(200);
    // The owner registers too: registrations are independent (issue 19), each with its own code.
    const ownReg = await call("POST", "/api/v1/auth/register", { username: `vera_${tag}`, email: victimMail, password: "vera's own passphrase", fullname: "Vera" });
    expect(ownReg.status, ownReg.text).toBe(200);
    const code = await codeFor(victimMail, "signup");
    const stale = await call("POST", "/api/v1/auth/verify", { code, verificationId: attackerReg.body.verificationId });
    expect(stale.status, "ATTACK WORKED: the replaced registration still completes").toBe(400);
    const done = await call("POST", "/api/v1/auth/verify", { code, verificationId: ownReg.body.verificationId });
    expect(done.status, done.text).toBe(200);
    expect(done.body.user).toMatchObject({ username: `vera_${tag}`, phone: null });
    const attackerLogin = await call("POST", "/api/v1/auth/login", { email: victimMail, password: "attacker pass 1234!" });
    expect(attackerLogin.status, "ATTACK WORKED: the attacker's password opens the victim's account").toBe(401);
    expect((await call("POST", "/api/v1/auth/login", { email: victimMail, password: "vera's own passphrase" })).status).toBe(200);
    // Family 003's resend by email (anyone may ask) never hands out what the registrant chose, nor cancels their registration: see the API's attacks/registration-ownership.test.ts.
  });
});
