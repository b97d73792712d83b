/**
 * Issue 22: an account with an authenticator app never signs in on a password, PIN or code
 * alone, at any door. The documented doors answer their own refusal for a wrong credential,
 * with a message that names the second factor (CONTRACTS.md), and hand out no token; the typed
 * API answers SECOND_FACTOR_REQUIRED with the ticket its second step takes back.
 */
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { SoftAuthenticator } from "@authsvc/core/soft-authenticator";
import { PIN, restSetup, type RestHarness } from "../rest/test-helpers";
import { expect000, expect001, expect002, expect003, expect004, PASS } from "../testing";

const EMAIL = "ana@example.com";
const PHONE = "+62881829915";

const appCode = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() });

/** Ana (family 003 sign-up, with a phone and a PIN), with an authenticator app confirmed. */
async function enrolledAna(h: RestHarness) {
  const ana = await h.userWithPin({ username: "ana", email: EMAIL, pin: PIN });
  await h.sql.run("update users set phone = ?, phone_verified_at = ? where id = ?", PHONE, Date.now(), ana.id);
  const started = await h.mutate("security.startTotp", { name: "Pixel" }, { token: ana.token });
  expect(started.status, started.text).toBe(200);
  const { factorId, secret } = started.body.result.data as { factorId: number; secret: string };
  const confirmed = await h.mutate("security.confirmTotp", { factorId, code: appCode(secret) }, { token: ana.token });
  expect(confirmed.status, confirmed.text).toBe(200);
  expect(confirmed.body.result.data.recoveryCodes).toHaveLength(10);
  return { ...ana, secret, recoveryCodes: confirmed.body.result.data.recoveryCodes as string[] };
}

const noToken = (text: string) => expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
const secondFactorAudits = async (h: RestHarness) => (await h.auditRows()).filter((e) => e.kind === "second_factor_required").length;

describe("an enrolled account at the documented doors", () => {
  it("000: the right SMS code answers the wrong-code refusal (400), saying a second factor is needed", async () => {
    const h = restSetup();
    await enrolledAna(h);
    const created = await h.call("POST", "/api/v1/authentication/", { mobile_number: PHONE });
    expect(created.status, created.text).toBe(201);
    const id = created.body.payload.data[0].id as string;
    const res = await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: PHONE, otp_code: await h.code(PHONE, "login") });
    expect000(res, 400, "Second factor required: this account signs in with its authenticator app or passkey");
    noToken(res.text);
    expect(await secondFactorAudits(h)).toBe(1);
  });

  it("001: the right SMS code answers 401, saying a second factor is needed", async () => {
    const h = restSetup();
    await enrolledAna(h);
    expect((await h.call("POST", "/verify-phone", { phoneNumber: PHONE })).status).toBe(200);
    const res = await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: await h.code(PHONE, "login") });
    expect001(res, 401, "Unauthorized: This account needs its second factor to sign in.");
    noToken(res.text);
    expect(res.text).not.toContain("accessToken");
  });

  it("002 and 003: the right password answers each family's wrong-password 401, with its own sentence", async () => {
    const h = restSetup();
    await enrolledAna(h);
    const r002 = await h.call("POST", "/auth/login", { email: EMAIL, password: PASS });
    expect002(r002, 401, "Akun ini memerlukan faktor kedua untuk masuk");
    const r003 = await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: PASS });
    expect003(r003, 401, "This account needs its second factor to sign in");
    for (const r of [r002, r003]) noToken(r.text);
    // A wrong password still answers the plain refusal: the sentence comes only after a right first factor.
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: "wrong password here" }), 401, "Email atau password salah");
    expect(await secondFactorAudits(h)).toBe(2);
  });

  it("004: the right MPIN answers the wrong-login 400; relogin on a session that passed its second step still works", async () => {
    const h = restSetup();
    const ana = await enrolledAna(h);
    const res = await h.call("POST", "/v1/auth/login", { username: "ana", mpin: PIN });
    expect004(res, 400, "This account needs its second factor to sign in");
    noToken(res.text);
    // The session from before the enrolment already proved the holder: its documented relogin is unchanged.
    const relogin = await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: ana.token });
    expect(relogin.status, relogin.text).toBe(200);
  });
});

describe("an enrolled account on the typed API", () => {
  it("answers SECOND_FACTOR_REQUIRED with a ticket; the ticket and a code from the app sign in, once", async () => {
    const h = restSetup();
    const ana = await enrolledAna(h);
    const first = await h.mutate("auth.loginWithPassword", { identifier: EMAIL, password: PASS });
    expect(first.status).toBe(401);
    expect(first.body.error.data).toMatchObject({ authCode: "SECOND_FACTOR_REQUIRED", factors: ["totp"] });
    noToken(first.text);
    const ticket = first.body.error.data.ticket as string;
    // The confirming code's step is spent (a code is taken once), so this step uses a recovery code.
    const second = await h.mutate("auth.secondStep", { ticket, recoveryCode: ana.recoveryCodes[0] });
    expect(second.status, second.text).toBe(200);
    const me = await h.me(second.body.result.data.accessToken);
    expect(me.body.result.data.id).toBe(ana.id);
    const again = await h.mutate("auth.secondStep", { ticket, recoveryCode: ana.recoveryCodes[1] });
    expect(again.status).toBe(401);
    expect(again.body.error.data.authCode).toBe("SECOND_STEP_EXPIRED");
  });

  it("refuses a ticket from a cookie sign-in when the second step asks for a token", async () => {
    const h = restSetup();
    const ana = await enrolledAna(h);
    const first = await h.mutate("auth.loginWithPassword", { identifier: EMAIL, password: PASS, delivery: "cookie" });
    const ticket = first.body.error.data.ticket as string;
    const asToken = await h.mutate("auth.secondStep", { ticket, recoveryCode: ana.recoveryCodes[0] });
    expect(asToken.body.error.data.authCode).toBe("SECOND_STEP_EXPIRED");
    const asCookie = await h.mutate("auth.secondStep", { ticket, recoveryCode: ana.recoveryCodes[0], delivery: "cookie" });
    expect(asCookie.status, asCookie.text).toBe(200);
    expect(asCookie.headers.get("set-cookie") ?? "").toContain("authsvc_session=");
  });

  it("lists factors without secrets, and removing one needs step-up", async () => {
    const h = restSetup();
    const ana = await enrolledAna(h);
    const listed = await h.query("security.factors", undefined, { token: ana.token });
    expect(listed.body.result.data).toMatchObject({ factors: [{ kind: "totp", name: "Pixel" }], recoveryCodesLeft: 10 });
    expect(listed.text).not.toContain(ana.secret);
    const factorId = listed.body.result.data.factors[0].id as number;
    await h.sql.run("update sessions set authenticated_at = ?", Date.now() - 6 * 60_000);
    const refused = await h.mutate("security.removeFactor", { factorId }, { token: ana.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.data.authCode).toBe("STEP_UP_REQUIRED");
    const proved = await h.mutate("security.stepUp", { password: PASS }, { token: ana.token });
    expect(proved.status, proved.text).toBe(200);
    const removed = await h.mutate("security.removeFactor", { factorId }, { token: ana.token });
    expect(removed.body.result.data).toEqual({ factors: [], recoveryCodesLeft: 0 });
    expect((await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: PASS })).status).toBe(200);
  });
});

describe("passkeys on the typed API", () => {
  const ORIGIN = "https://login.bank.example";
  const passkeySetup = () => restSetup({ options: { publicUrl: ORIGIN, webauthn: { rpId: "bank.example" } } });

  async function withPasskey(h: RestHarness) {
    const ana = await h.verifiedUser({ username: "ana", email: EMAIL });
    const device = new SoftAuthenticator(ORIGIN, "bank.example");
    const started = await h.mutate("security.startPasskey", undefined, { token: ana.token });
    expect(started.status, started.text).toBe(200);
    const { ceremonyId, options } = started.body.result.data;
    const done = await h.mutate("security.finishPasskey", { ceremonyId, response: device.register(options), name: "Phone" }, { token: ana.token });
    expect(done.status, done.text).toBe(200);
    return { ...ana, device };
  }

  it("signs in with no username; a replayed response is refused; the password alone answers 003's refusal", async () => {
    const h = passkeySetup();
    const ana = await withPasskey(h);
    const opts = await h.mutate("auth.passkeyOptions");
    const { ceremonyId, options } = opts.body.result.data;
    const response = ana.device.assert(options);
    const signedIn = await h.mutate("auth.loginWithPasskey", { ceremonyId, response });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect((await h.me(signedIn.body.result.data.accessToken)).body.result.data.id).toBe(ana.id);
    const replay = await h.mutate("auth.loginWithPasskey", { ceremonyId, response });
    expect(replay.status).toBe(401);
    expect(replay.body.error.data.authCode).toBe("PASSKEY_REFUSED");
    expect003(await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: PASS }), 401, "This account needs its second factor to sign in");
  });

  it("refuses an assertion made on another origin (a phishing page relaying the ceremony)", async () => {
    const h = passkeySetup();
    const ana = await withPasskey(h);
    const { ceremonyId, options } = (await h.mutate("auth.passkeyOptions")).body.result.data;
    const phished = await h.mutate("auth.loginWithPasskey", { ceremonyId, response: ana.device.assert(options, { origin: "https://login.bank-example.com" }) });
    expect(phished.body.error.data.authCode).toBe("PASSKEY_REFUSED");
    noToken(phished.text);
  });
});
