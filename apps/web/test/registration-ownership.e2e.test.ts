/**
 * Issue 19, items 1 and 4, against the production bundle on each engine: a stranger's
 * registration of your email does not cancel yours, and a password a stranger gave at family
 * 002's register does not open the account once you prove the email. Two clients: the service
 * trusts the loopback proxy (TRUST_PROXY=loopback) and each request names its client in
 * X-Forwarded-For. Codes are read from the dev outbox as the machine itself (no header).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { callAs, outboxCode, serverEngines, sharedServiceForBlock, uniqueAddress, uniqueTag } from "./support/server";

// The two clients' addresses, new for each test: the service, and so its per-address limits, is shared with other files.
let ATTACKER = "";
let VICTIM = "";
beforeEach(() => {
  ATTACKER = uniqueAddress();
  VICTIM = uniqueAddress();
});

let base = "";

const call = (from: string | null, method: string, route: string, body?: unknown, token?: string) =>
  callAs(base, method, route, body, token, from ? { "x-forwarded-for": from } : {});

/** The newest code of `purpose` sent to `to`, read by the machine itself. */
const codeFor = (to: string, purpose: string) => outboxCode(base, to, purpose);

const me = async (token: string) => {
  const res = await call(VICTIM, "GET", "/api/trpc/user.me", undefined, token);
  expect(res.status, res.text).toBe(200);
  return res.body.result.data as { id: number; email: string | null; username: string | null; fullName: string | null; emailVerified: boolean };
};

describe.each(serverEngines)("production server on %s", (engine) => {
  const block = sharedServiceForBlock(engine, { TRUST_PROXY: "loopback" });
  if (!block) return;
  beforeAll(() => {
    base = block.service().base;
  });

  it("item 1: a stranger's family 003 registration of your email does not cancel yours; the first proven wins", async () => {
    const tag = uniqueTag();
    const mail = `own.reg.${tag}@example.com`;
    const mine = await call(VICTIM, "POST", "/api/v1/auth/register", { username: `vera_${tag}`, email: mail, password: "vera's own passphrase", fullname: "Vera" });
    expect(mine.status, mine.text).toBe(200);
    const myCode = await codeFor(mail, "signup");
    const theirs = await call(ATTACKER, "POST", "/api/v1/auth/register", {
      username: `mallory_${tag}`,
      email: mail,
      password: "attacker pass 1234!",
      fullname: "Mallory",
    });
    expect(theirs.status, theirs.text).toBe(200);

    const pending = await call(VICTIM, "GET", `/api/v1/auth/status?id=${mine.body.verificationId}`);
    expect(pending.status, `ATTACK WORKED: the stranger's registration cancelled yours: ${pending.text}`).toBe(200);
    const done = await call(VICTIM, "POST", "/api/v1/auth/verify", { code: myCode, verificationId: mine.body.verificationId });
    expect(done.status, `ATTACK WORKED: your own code no longer completes your registration: ${done.text}`).toBe(200);
    expect(done.body.user).toMatchObject({ username: `vera_${tag}`, email: mail });

    expect((await call(ATTACKER, "GET", `/api/v1/auth/status?id=${theirs.body.verificationId}`)).status).toBe(410);
    const late = await call(ATTACKER, "POST", "/api/v1/auth/verify", { code: await codeFor(mail, "signup"), verificationId: theirs.body.verificationId });
    expect(late.status, late.text).toBe(400);
    expect((await call(ATTACKER, "POST", "/api/v1/auth/login", { email: mail, password: "attacker pass 1234!" })).status).toBe(401);
    expect((await call(VICTIM, "POST", "/api/v1/auth/login", { email: mail, password: "vera's own passphrase" })).status).toBe(200);
  });

  it("item 4: family 002 pre-hijack: the attacker's registration password does not open the account the victim proves", async () => {
    const mail = `prehijack.${uniqueTag()}@example.com`;
    const reg = await call(ATTACKER, "POST", "/auth/register", { email: mail, password: "attacker pass 1234!", fullname: "Mallory Jahat" });
    expect(reg.status, reg.text).toBe(200);

    expect((await call(VICTIM, "POST", "/auth/send-otp", { email: mail })).status).toBe(200);
    const ver = await call(VICTIM, "POST", "/auth/otp-verify", { email: mail, otp_number: await codeFor(mail, "verify_email") });
    expect(ver.status, ver.text).toBe(200);
    expect(typeof ver.body.token).toBe("string");
    const attackerLogin = await call(ATTACKER, "POST", "/auth/login", { email: mail, password: "attacker pass 1234!" });
    expect(attackerLogin.status, `ATTACK WORKED: the attacker's password opens the account the victim proved: ${attackerLogin.text}`).toBe(401);
    const victim = await me(ver.body.token);
    expect(victim, "ATTACK WORKED: the attacker's chosen name stays on the victim's account").toMatchObject({
      email: mail,
      emailVerified: true,
      fullName: null,
      username: null,
    });

    // Signed in by the code, the victim sets their own password.
    expect((await call(VICTIM, "PATCH", "/auth/update-password", { new_password: "siti punya 77" }, ver.body.token)).status).toBe(200);
    expect((await call(VICTIM, "POST", "/auth/login", { email: mail, password: "siti punya 77" })).status).toBe(200);
  });

  it("item 4, honest: the registrant proving from the same client at once keeps their password", async () => {
    const mail = `honest.${uniqueTag()}@example.com`;
    expect((await call(VICTIM, "POST", "/auth/register", { email: mail, password: "siti punya 42", fullname: "Siti Nurhaliza" })).status).toBe(200);
    expect((await call(VICTIM, "POST", "/auth/send-otp", { email: mail })).status).toBe(200);
    const ver = await call(VICTIM, "POST", "/auth/otp-verify", { email: mail, otp_number: await codeFor(mail, "verify_email") });
    expect(ver.status, ver.text).toBe(200);
    expect((await me(ver.body.token)).fullName).toBe("Siti Nurhaliza");
    expect((await call(VICTIM, "POST", "/auth/login", { email: mail, password: "siti punya 42" })).status).toBe(200);
  });
});
