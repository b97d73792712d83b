/**
 * Issue 10, hole 4: work that costs a password hash runs only after everything cheaper has
 * passed. Every argon2 call is counted by the test Auth's hasher (testing.ts).
 */
import { describe, expect, it } from "vitest";
import { authError, fakeClockEachTest, lastCode, phoneSignIn, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";


const EMAIL = "ana@example.com";
const PHONE = "+6281234567890";
const NEW_PASSWORD = "a brand new passphrase";
const META = { ip: "198.51.100.7" };

/** argon2 calls made by `run` (whatever it answers). */
async function hashesDuring(hasher: { total(): number }, run: () => Promise<unknown>): Promise<number> {
  const before = hasher.total();
  await run().catch(() => undefined);
  return hasher.total() - before;
}

fakeClockEachTest();

describe("reset by code", () => {
  it("a wrong code, for a known or an unknown account, costs no hash; the right one costs one", async () => {
    const { auth, hasher } = createTestAuth();
    await signUp(auth, { email: EMAIL });
    await auth.requestPasswordReset({ identifier: EMAIL });
    await auth.requestPasswordReset({ identifier: "nobody@example.com" });
    const code = (await lastCode(auth, EMAIL));
    const wrong = code === "000000" ? "000001" : "000000";
    expect(await hashesDuring(hasher, () => auth.resetPasswordWithCode({ identifier: EMAIL, code: wrong, newPassword: NEW_PASSWORD }, META))).toBe(0);
    expect(
      await hashesDuring(hasher, () => auth.resetPasswordWithCode({ identifier: "nobody@example.com", code: wrong, newPassword: NEW_PASSWORD }, META)),
    ).toBe(0);
    expect(await hashesDuring(hasher, () => auth.resetPasswordWithCode({ username: "nobody", code: wrong, newPassword: NEW_PASSWORD }, META))).toBe(0);
    expect(await hashesDuring(hasher, () => auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: NEW_PASSWORD }, META))).toBe(1);
  });

  it("past the per-address limit costs no hash, even with the right code", async () => {
    const { auth, hasher } = createTestAuth({ limits: { codeCheckPerIp: { max: 3, windowSec: 900 } } });
    await signUp(auth, { email: EMAIL });
    await auth.requestPasswordReset({ identifier: EMAIL });
    const code = (await lastCode(auth, EMAIL));
    for (let i = 0; i < 3; i++) await authError(auth.resetPasswordWithCode({ identifier: `x${i}@example.com`, code, newPassword: NEW_PASSWORD }, META));
    expect((await authError(auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: NEW_PASSWORD }, META))).code).toBe("RATE_LIMITED");
    expect(await hashesDuring(hasher, () => auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: NEW_PASSWORD }, META))).toBe(0);
  });
});

describe("PIN", () => {
  async function withPin() {
    const t = createTestAuth();
    const s = await phoneSignIn(t.auth, PHONE);
    const principal = (await t.auth.authenticate(s.token));
    await t.auth.setPin(principal, { pin: "480613" });
    return { ...t, principal };
  }

  it("re-login on a locked PIN costs no hash", async () => {
    const { auth, hasher, principal } = await withPin();
    for (let i = 0; i < 10; i++) await authError(auth.reloginWithPin(principal, "111112"));
    expect((await authError(auth.reloginWithPin(principal, "480613"))).code).toBe("PIN_LOCKED");
    expect(await hashesDuring(hasher, () => auth.reloginWithPin(principal, "480613"))).toBe(0);
  });

  it("re-login has a per-address limit, past which it costs no hash", async () => {
    const t = createTestAuth({ limits: { codeCheckPerIp: { max: 2, windowSec: 900 } } });
    const s = await phoneSignIn(t.auth, PHONE);
    const principal = (await t.auth.authenticate(s.token));
    await t.auth.setPin(principal, { pin: "480613" });
    await t.auth.reloginWithPin(principal, "480613", META);
    await t.auth.reloginWithPin(principal, "480613", META);
    expect((await authError(t.auth.reloginWithPin(principal, "480613", META))).code).toBe("RATE_LIMITED");
    expect(await hashesDuring(t.hasher, () => t.auth.reloginWithPin(principal, "480613", META))).toBe(0);
  });

  it("a PIN reset with a wrong code costs no hash", async () => {
    const { auth, hasher, principal } = await withPin();
    await auth.requestPinReset(principal);
    const code = (await lastCode(auth, PHONE));
    const wrong = code === "000000" ? "000001" : "000000";
    expect(await hashesDuring(hasher, () => auth.resetPinWithCode(principal, { code: wrong, pin: "579024" }))).toBe(0);
    expect(await hashesDuring(hasher, () => auth.resetPinWithCode(principal, { code, pin: "579024" }))).toBe(1);
  });
});
