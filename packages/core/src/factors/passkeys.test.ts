import { describe, expect, it } from "vitest";
import { authError, fakeClockEachTest, outboxRows, PASSWORD, signUp, tableRows } from "../test-helpers";
import { createTestAuth } from "../testing";
import { SoftAuthenticator } from "./soft-authenticator";
import type { TokenRequest } from "../flows/sign-in";

const clock = fakeClockEachTest();
const ORIGIN = "https://login.bank.example";
const RP_ID = "bank.example";
const jwt: TokenRequest = { type: "jwt" };
const meta = { ip: "198.51.100.7", userAgent: "owner's phone" };

/** A service whose passkeys belong to bank.example, and Ana on it, signed in. */
async function withAna(email = "ana@example.com") {
  const t = createTestAuth({ publicUrl: ORIGIN, webauthn: { rpId: RP_ID } });
  const s = await signUp(t.auth, { email });
  return { ...t, ana: s.user, principal: await t.auth.authenticate(s.token) };
}

/** Registers a new software passkey on the principal's account. */
async function register(t: Awaited<ReturnType<typeof withAna>>, principal = t.principal, device = new SoftAuthenticator(ORIGIN, RP_ID)) {
  const { ceremonyId, options } = await t.auth.startPasskey(principal, meta);
  const done = await t.auth.finishPasskey(principal, { ceremonyId, response: device.register(options) as never, name: "Phone" }, meta);
  return { device, ...done };
}

const signIn = async (t: Awaited<ReturnType<typeof withAna>>, device: SoftAuthenticator, forge = {}) => {
  const { ceremonyId, options } = await t.auth.passkeySignInOptions(meta);
  return t.auth.loginWithPasskey({ ceremonyId, response: device.assert(options, forge) as never }, jwt, meta);
};

describe("passkeys", () => {
  it("registers with step-up, is listed, comes with recovery codes, and is told to the owner", async () => {
    const t = await withAna();
    const { factor, recoveryCodes } = await register(t);
    expect(factor).toMatchObject({ kind: "passkey", name: "Phone", backedUp: true });
    expect(recoveryCodes).toHaveLength(10);
    const [row] = await tableRows(t, "second_factors");
    expect(row).toMatchObject({ kind: "passkey", secret: null });
    expect((await outboxRows(t)).map((m) => m.purpose)).toContain("factor_added");
    clock.advanceSec(t.auth.options.secondFactor.stepUpSec + 1);
    const stale = await t.auth.authenticate((await t.auth.issueToken(t.principal, jwt)).token);
    expect((await authError(t.auth.startPasskey(stale, meta))).code).toBe("STEP_UP_REQUIRED");
  });

  it("signs in with no username, and then the password alone no longer does", async () => {
    const t = await withAna();
    const { device } = await register(t);
    const s = await signIn(t, device);
    expect(s.user.id).toBe(t.ana.id);
    expect((await t.auth.authenticate(s.token)).user.id).toBe(t.ana.id);
    const e = await authError(t.auth.loginWithPassword({ identifier: "ana@example.com", password: PASSWORD }, jwt, meta));
    expect(e).toMatchObject({ code: "SECOND_FACTOR_REQUIRED", detail: { factors: ["passkey"] } });
    // The passkey as the second step of that sign-in.
    const { ceremonyId, options } = await t.auth.secondStepPasskeyOptions(e.detail.ticket!, jwt, meta);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([device.credentialId]);
    const second = await t.auth.signInSecondStep({ ticket: e.detail.ticket!, passkey: { ceremonyId, response: device.assert(options) as never } }, jwt, meta);
    expect(second.user.id).toBe(t.ana.id);
  });

  it("serves step-up", async () => {
    const t = await withAna();
    const { device } = await register(t);
    clock.advanceSec(t.auth.options.secondFactor.stepUpSec + 1);
    const token = (await t.auth.issueToken(t.principal, jwt)).token;
    const { ceremonyId, options } = await t.auth.stepUpPasskeyOptions(await t.auth.authenticate(token), meta);
    await t.auth.stepUp(await t.auth.authenticate(token), { passkey: { ceremonyId, response: device.assert(options) as never } }, meta);
    await expect(t.auth.startPasskey(await t.auth.authenticate(token), meta)).resolves.toMatchObject({ ceremonyId: expect.any(String) });
  });
});

describe("passkey attacks", () => {
  it("a replayed response, or one for another ceremony's challenge, is refused", async () => {
    const t = await withAna();
    const { device } = await register(t);
    const { ceremonyId, options } = await t.auth.passkeySignInOptions(meta);
    const response = device.assert(options) as never;
    await t.auth.loginWithPasskey({ ceremonyId, response }, jwt, meta);
    expect((await authError(t.auth.loginWithPasskey({ ceremonyId, response }, jwt, meta))).code).toBe("PASSKEY_REFUSED");
    const fresh = await t.auth.passkeySignInOptions(meta);
    expect((await authError(t.auth.loginWithPasskey({ ceremonyId: fresh.ceremonyId, response }, jwt, meta))).code).toBe("PASSKEY_REFUSED");
  });

  it.each([
    ["another origin (a phishing site)", { origin: "https://login.bank-example.com" }],
    ["another RP id", { rpId: "bank-example.com" }],
    ["no user verification", { userVerified: false }],
    ["a cloned authenticator's old counter", { counter: 0 }],
  ])("an assertion from %s is refused", async (_name, forge) => {
    const t = await withAna();
    const { device } = await register(t);
    await signIn(t, device); // the counter moves past 0
    expect((await authError(signIn(t, device, forge))).code).toBe("PASSKEY_REFUSED");
  });

  it("a registration from another origin or without user verification is refused", async () => {
    const t = await withAna();
    for (const forge of [{ origin: "https://evil.example" }, { userVerified: false }, { rpId: "evil.example" }]) {
      const { ceremonyId, options } = await t.auth.startPasskey(t.principal, meta);
      const device = new SoftAuthenticator(ORIGIN, RP_ID);
      expect((await authError(t.auth.finishPasskey(t.principal, { ceremonyId, response: device.register(options, forge) as never }, meta))).code).toBe(
        "PASSKEY_REFUSED",
      );
    }
    expect(await tableRows(t, "second_factors")).toHaveLength(0);
  });

  it("another account's passkey cannot answer an account's second step or step-up, nor be registered again", async () => {
    const t = await withAna();
    const { device: anasDevice } = await register(t);
    const bo = await signUp(t.auth, { email: "bo@example.com" });
    const boPrincipal = await t.auth.authenticate(bo.token);
    const { device: bosDevice } = await register(t, boPrincipal);
    // Bo's ticket, answered with Ana's passkey.
    const e = await authError(t.auth.loginWithPassword({ identifier: "bo@example.com", password: PASSWORD }, jwt, meta));
    const { ceremonyId, options } = await t.auth.secondStepPasskeyOptions(e.detail.ticket!, jwt, meta);
    expect(
      (await authError(t.auth.signInSecondStep({ ticket: e.detail.ticket!, passkey: { ceremonyId, response: anasDevice.assert(options) as never } }, jwt, meta))).code,
    ).toBe("PASSKEY_REFUSED");
    // Bo's step-up, answered with Ana's passkey.
    const up = await t.auth.stepUpPasskeyOptions(boPrincipal, meta);
    expect((await authError(t.auth.stepUp(boPrincipal, { passkey: { ceremonyId: up.ceremonyId, response: anasDevice.assert(up.options) as never } }, meta))).code).toBe(
      "PASSKEY_REFUSED",
    );
    // Ana's credential registered to Bo's account.
    const reg = await t.auth.startPasskey(boPrincipal, meta);
    expect((await authError(t.auth.finishPasskey(boPrincipal, { ceremonyId: reg.ceremonyId, response: anasDevice.register(reg.options) as never }, meta))).code).toBe(
      "PASSKEY_REFUSED",
    );
    void bosDevice;
  });

  it("a user handle that is not the credential's owner's is refused", async () => {
    const t = await withAna();
    const { device } = await register(t);
    expect((await authError(signIn(t, device, { userHandle: "AAAAAAAAAAAAAAAAAAAAAA" }))).code).toBe("PASSKEY_REFUSED");
  });

  it("ceremonies from one address stop at their own limit, which spends none of its log-ins", async () => {
    // A login page asks for a ceremony as it opens (the autofill), so looking at it must not cost a log-in.
    const t = createTestAuth({
      publicUrl: ORIGIN,
      webauthn: { rpId: RP_ID },
      limits: { passkeyCeremoniesPerIp: { max: 3, windowSec: 900 }, loginPerIp: { max: 1, windowSec: 900 } },
    });
    const s = await signUp(t.auth, { email: "ana@example.com" });
    for (let i = 0; i < 3; i++) await t.auth.passkeySignInOptions(meta);
    expect((await authError(t.auth.passkeySignInOptions(meta))).code).toBe("RATE_LIMITED");
    // Another address has its own count.
    await t.auth.passkeySignInOptions({ ...meta, ip: "203.0.113.9" });
    // The password log-in from the first address still has its one try.
    await expect(t.auth.loginWithPassword({ identifier: s.user.email!, password: PASSWORD }, jwt, meta)).resolves.toMatchObject({ user: { id: s.user.id } });
  });

  it("says why passkeys are off on a site that cannot host them, and the rest works", async () => {
    const t = createTestAuth({ publicUrl: "http://10.0.0.5:3000" });
    expect((await authError(t.auth.passkeySignInOptions(meta))).code).toBe("PASSKEYS_UNAVAILABLE");
  });
});
