import { describe, expect, it } from "vitest";
import { auditOf, authError, fakeClockEachTest, PASSWORD, signUp, tally } from "../test-helpers";
import { codeLifetimeMs, createTestAuth } from "../testing";

/** Family 004's MPIN: set by a signed-in person, used to log in and to unlock a session. */
const EMAIL = "ana@example.com";
const PIN = "480215";
const OTHER_PIN = "975310";

const clock = fakeClockEachTest();

/** A signed-up user with a PIN, and their (fresh) principal. */
async function withPin() {
  const t = createTestAuth();
  const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
  await t.auth.setPin((await t.auth.authenticate(s.token)), { pin: PIN });
  return { ...t, token: s.token, user: s.user, principal: async () => (await t.auth.authenticate(s.token)) };
}

const pinRow = async (t: ReturnType<typeof createTestAuth>, userId: number) => (await t.store.credentials.get(userId))!;

describe("setPin", () => {
  it("stores a hash of the PIN right after sign-in", async () => {
    const t = await withPin();
    const row = (await pinRow(t, t.user.id));
    expect(row.pinHash).toMatch(/^\$argon2id\$/);
    expect(row.pinHash).not.toContain(PIN);
    expect(await auditOf(t, "pin_set")).toHaveLength(1);
  });

  it.each(["111111", "123456", "654321"])("refuses %s with TRIVIAL_PIN", async (pin) => {
    const { auth } = createTestAuth();
    const s = await signUp(auth, { email: EMAIL });
    expect((await authError(auth.setPin((await auth.authenticate(s.token)), { pin }))).code).toBe("TRIVIAL_PIN");
  });

  it("refuses a PIN that is not 6 digits with INVALID_INPUT", async () => {
    const { auth } = createTestAuth();
    const s = await signUp(auth, { email: EMAIL });
    expect((await authError(auth.setPin((await auth.authenticate(s.token)), { pin: "48021" }))).code).toBe("INVALID_INPUT");
  });

  it("needs a sign-in within 10 minutes, or the current password", async () => {
    const t = await withPin();
    clock.advanceSec(600);
    await t.auth.setPin((await t.principal()), { pin: "480216" }); // 10:00 is still recent

    clock.advanceSec(1);
    expect((await authError(t.auth.setPin((await t.principal()), { pin: OTHER_PIN }))).code).toBe("REAUTH_REQUIRED");
    expect((await authError(t.auth.setPin((await t.principal()), { pin: OTHER_PIN, currentPassword: "not my password" }))).code).toBe(
      "INVALID_CREDENTIALS",
    );
    await t.auth.setPin((await t.principal()), { pin: OTHER_PIN, currentPassword: PASSWORD });
    await expect(t.auth.loginWithPin({ username: "ana", pin: OTHER_PIN }, { type: "jwt" })).resolves.toBeDefined();
    expect(await auditOf(t, "pin_changed")).toHaveLength(2);
  });

  it("counts guesses at the current password: after 10 wrong, even the right one is RATE_LIMITED", async () => {
    const t = await withPin();
    clock.advanceSec(11 * 60);
    const p = (await t.principal());
    for (let i = 0; i < 10; i++) {
      const e = await authError(t.auth.setPin(p, { pin: OTHER_PIN, currentPassword: `guess ${i}` }));
      expect(e.code).toBe("INVALID_CREDENTIALS");
    }
    const limited = await authError(t.auth.setPin(p, { pin: OTHER_PIN, currentPassword: PASSWORD }));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.detail.retryAfterSec).toBe(900);
    clock.advanceSec(900);
    await t.auth.setPin(p, { pin: OTHER_PIN, currentPassword: PASSWORD });
    await expect(t.auth.loginWithPin({ username: "ana", pin: OTHER_PIN }, { type: "jwt" })).resolves.toBeDefined();
  });

  it("counts a PIN re-login as a fresh sign-in", async () => {
    const t = await withPin();
    clock.advanceSec(11 * 60);
    expect((await authError(t.auth.setPin((await t.principal()), { pin: OTHER_PIN }))).code).toBe("REAUTH_REQUIRED");
    await t.auth.reloginWithPin((await t.principal()), PIN);
    await t.auth.setPin((await t.principal()), { pin: OTHER_PIN });
  });
});

describe("loginWithPin", () => {
  it("signs in with username and PIN", async () => {
    const t = await withPin();
    const s = await t.auth.loginWithPin({ username: "ANA", pin: PIN }, { type: "jwt" });
    expect(s.user.id).toBe(t.user.id);
    expect((await t.auth.authenticate(s.token)).user.id).toBe(t.user.id);
  });

  it("answers a wrong PIN, an unknown user and a user without a PIN the same way", async () => {
    const t = await withPin();
    await signUp(t.auth, { email: "bo@example.com", username: "bob" });
    const wrong = await authError(t.auth.loginWithPin({ username: "ana", pin: OTHER_PIN }, { type: "jwt" }));
    const unknown = await authError(t.auth.loginWithPin({ username: "nobody", pin: PIN }, { type: "jwt" }));
    const noPin = await authError(t.auth.loginWithPin({ username: "bob", pin: PIN }, { type: "jwt" }));
    for (const e of [wrong, unknown, noPin]) {
      expect(e.code).toBe("INVALID_CREDENTIALS");
      expect(e.message).toBe(wrong.message);
    }
  });
});

describe("reloginWithPin", () => {
  it("accepts the right PIN on the current session and refuses a wrong one with INVALID_PIN", async () => {
    const t = await withPin();
    await expect(t.auth.reloginWithPin((await t.principal()), PIN)).resolves.toMatchObject({ id: t.user.id });
    expect((await authError(t.auth.reloginWithPin((await t.principal()), OTHER_PIN))).code).toBe("INVALID_PIN");
  });

  it("answers PIN_NOT_SET when there is no PIN", async () => {
    const { auth } = createTestAuth();
    const s = await signUp(auth, { email: EMAIL });
    expect((await authError(auth.reloginWithPin((await auth.authenticate(s.token)), PIN))).code).toBe("PIN_NOT_SET");
  });
});

describe("PIN lock", () => {
  it("locks after 10 wrong PINs in a row; the right PIN is refused while locked", async () => {
    const t = await withPin();
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push((await authError(t.auth.reloginWithPin((await t.principal()), OTHER_PIN))).code);
    expect(answers).toEqual([...Array(9).fill("INVALID_PIN"), "PIN_LOCKED"]);
    expect((await pinRow(t, t.user.id)).pinLockedAt).toBe(Date.now());

    expect((await authError(t.auth.reloginWithPin((await t.principal()), PIN))).code).toBe("PIN_LOCKED");
    expect((await authError(t.auth.loginWithPin({ username: "ana", pin: PIN }, { type: "jwt" }))).code).toBe("INVALID_CREDENTIALS");
    // Time alone does not lift it.
    clock.advanceSec(7 * 24 * 3600);
    expect((await authError(t.auth.loginWithPin({ username: "ana", pin: PIN }, { type: "jwt" }))).code).toBe("INVALID_CREDENTIALS");
  });

  it("counts in a row: a right PIN starts the count again", async () => {
    const t = await withPin();
    for (let i = 0; i < 9; i++) await authError(t.auth.reloginWithPin((await t.principal()), OTHER_PIN));
    await t.auth.reloginWithPin((await t.principal()), PIN);
    for (let i = 0; i < 9; i++) await authError(t.auth.reloginWithPin((await t.principal()), OTHER_PIN));
    await expect(t.auth.reloginWithPin((await t.principal()), PIN)).resolves.toBeDefined();
  });

  it("cannot be raced: 20 concurrent wrong PINs compare exactly 10 and lock", async () => {
    const t = await withPin();
    const p = (await t.principal());
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => t.auth.reloginWithPin(p, OTHER_PIN)));
    expect(tally(results)).toEqual({ INVALID_PIN: 9, PIN_LOCKED: 11 });
    expect(await auditOf(t, "pin_failed")).toHaveLength(10);
    expect((await pinRow(t, t.user.id))).toMatchObject({ pinFailures: 10, pinLockedAt: Date.now() });
  });

  it("cannot be raced through loginWithPin either", async () => {
    const t = await withPin();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.auth.loginWithPin({ username: "ana", pin: OTHER_PIN }, { type: "jwt" })),
    );
    expect(tally(results)).toEqual({ INVALID_CREDENTIALS: 20 });
    expect(await auditOf(t, "pin_failed")).toHaveLength(10);
    expect((await pinRow(t, t.user.id)).pinLockedAt).not.toBeNull();
  });

  it("is lifted by requestPinReset + resetPinWithCode, which sets the new PIN", async () => {
    const t = await withPin();
    for (let i = 0; i < 10; i++) await authError(t.auth.reloginWithPin((await t.principal()), OTHER_PIN));

    const sent = await t.auth.requestPinReset((await t.principal()));
    expect(sent).toEqual({ channel: "email", expiresAt: Date.now() + codeLifetimeMs(t.auth), resendInSec: t.auth.options.code.cooldownSec });
    const [msg] = (await t.auth.listOutbox(EMAIL));
    expect(msg).toMatchObject({ purpose: "pin_reset" });
    const code = msg!.code!;

    expect((await authError(t.auth.resetPinWithCode((await t.principal()), { code, pin: "123456" }))).code).toBe("TRIVIAL_PIN");
    const bad = code === "000000" ? "000001" : "000000";
    expect((await authError(t.auth.resetPinWithCode((await t.principal()), { code: bad, pin: OTHER_PIN }))).code).toBe("INVALID_CODE");
    expect((await authError(t.auth.reloginWithPin((await t.principal()), PIN))).code).toBe("PIN_LOCKED");

    await t.auth.resetPinWithCode((await t.principal()), { code, pin: OTHER_PIN });
    expect((await pinRow(t, t.user.id))).toMatchObject({ pinFailures: 0, pinLockedAt: null });
    await expect(t.auth.loginWithPin({ username: "ana", pin: OTHER_PIN }, { type: "jwt" })).resolves.toBeDefined();
    expect((await authError(t.auth.reloginWithPin((await t.principal()), PIN))).code).toBe("INVALID_PIN");
  });

  it("is lifted only by a reset code, not by setting a PIN with the password", async () => {
    const t = await withPin();
    for (let i = 0; i < 10; i++) await authError(t.auth.reloginWithPin((await t.principal()), OTHER_PIN));
    // credentials.pin_locked_at: "Set when pinFailures reaches the limit; only a reset by code lifts it."
    await t.auth.setPin((await t.principal()), { pin: "135790", currentPassword: PASSWORD }).catch(() => undefined);
    expect((await authError(t.auth.reloginWithPin((await t.principal()), "135790"))).code).toBe("PIN_LOCKED");
  });
});
