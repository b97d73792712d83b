import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeJwt } from "jose";
import { auditOf, authError, fakeClock, lastCode, PASSWORD, signUp, tally } from "../test-helpers";
import { createTestAuth } from "../testing";

const EMAIL = "ana@example.com";
const jwt = { type: "jwt" } as const;

afterEach(() => {
  vi.useRealTimers();
});

async function withUser(options: Parameters<typeof createTestAuth>[0] = {}) {
  const t = createTestAuth(options);
  const { user } = await signUp(t.auth, { email: EMAIL, username: "Ana_M", phone: "0881829915" });
  return { ...t, user };
}

const login = (auth: ReturnType<typeof createTestAuth>["auth"], identifier: string, password: string) =>
  auth.loginWithPassword({ identifier, password }, jwt);

describe("loginWithPassword", () => {
  it.each([
    ["email, any case", "ANA@example.com"],
    ["username, any case", "ana_m"],
    ["phone, local form", "0881829915"],
    ["phone, E.164", "+62881829915"],
  ])("signs in by %s", async (_, identifier) => {
    const { auth, user } = await withUser();
    const s = await login(auth, identifier, PASSWORD);
    expect(s.user.id).toBe(user.id);
    expect(decodeJwt(s.token).sub).toBe(String(user.id));
    expect((await auth.authenticate(s.token)).session!.id).toBe(s.session.id);
    expect((await auth.ctx.store.audit.list({ kind: "login", limit: 1 }))[0]).toMatchObject({ userId: user.id, outcome: "ok" });
  });

  it("answers a wrong password and an unknown account with the same code and message", async () => {
    const { auth } = await withUser();
    const wrongPassword = await authError(login(auth, EMAIL, "not the password at all"));
    const unknownEmail = await authError(login(auth, "nobody@example.com", PASSWORD));
    const unknownUser = await authError(login(auth, "nobody", PASSWORD));
    const garbage = await authError(login(auth, "!!", PASSWORD));
    for (const e of [wrongPassword, unknownEmail, unknownUser, garbage]) {
      expect(e.code).toBe("INVALID_CREDENTIALS");
      expect(e.message).toBe(wrongPassword.message);
      expect(e.detail).toEqual({});
    }
  });

  it("answers EMAIL_NOT_VERIFIED only after a right password, on every door (core's rule, not a caller's option)", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ email: "bo@example.com", password: PASSWORD });
    const wrong = await authError(
      auth.loginWithPassword({ identifier: "bo@example.com", password: "not the password at all" }, jwt),
    );
    expect(wrong.code).toBe("INVALID_CREDENTIALS");
    const right = await authError(auth.loginWithPassword({ identifier: "bo@example.com", password: PASSWORD }, jwt));
    expect(right.code).toBe("EMAIL_NOT_VERIFIED");
    expect(await auth.ctx.store.audit.list({ kind: "login", limit: 1 })).toHaveLength(0);
    // Once the emailed code proves the address, the same password signs in.
    await auth.sendEmailVerification("bo@example.com");
    await auth.verifyEmailAndSignIn({ email: "bo@example.com", code: (await lastCode(auth, "bo@example.com")) }, jwt);
    await expect(auth.loginWithPassword({ identifier: "bo@example.com", password: PASSWORD }, jwt)).resolves.toBeDefined();
  });

  it("refuses a role the user does not hold", async () => {
    const { auth } = await withUser();
    const e = await authError(auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "admin" }));
    expect(e.code).toBe("ROLE_NOT_HELD");
    const s = await auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "customer" });
    expect(decodeJwt(s.token).role).toBe("customer");
  });

  it("refuses a user who has no password (phone-only) like a wrong password", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ phone: "0881829916", username: "phoneonly" });
    expect((await authError(login(auth, "phoneonly", "authsvc-dummy-password"))).code).toBe("INVALID_CREDENTIALS");
  });
});

describe("password lockout", () => {
  it("locks after 10 wrong passwords, refuses even the right one, and lifts after 15 minutes", async () => {
    const clock = fakeClock();
    const { auth, sql } = await withUser();
    for (let i = 0; i < 10; i++) expect((await authError(login(auth, EMAIL, `wrong password ${i}`))).code).toBe("INVALID_CREDENTIALS");
    expect(await auditOf({ sql }, "lockout")).toHaveLength(1);

    const locked = await authError(login(auth, EMAIL, PASSWORD));
    expect(locked.code).toBe("RATE_LIMITED");
    expect(locked.detail.retryAfterSec).toBe(900);
    clock.advanceSec(899);
    expect((await authError(login(auth, EMAIL, PASSWORD))).code).toBe("RATE_LIMITED");
    clock.advanceSec(1);
    await expect(login(auth, EMAIL, PASSWORD)).resolves.toBeDefined();
  });

  it("locks the account, not just the identifier typed: username and phone are locked too", async () => {
    const { auth } = await withUser();
    for (let i = 0; i < 10; i++) await authError(login(auth, EMAIL, `wrong password ${i}`));
    // Otherwise a guesser gets 10 more tries per way of naming the same account.
    expect((await authError(login(auth, "ana_m", `wrong password 10`))).code).toBe("RATE_LIMITED");
    expect((await authError(login(auth, "0881829915", PASSWORD))).code).toBe("RATE_LIMITED");
  });

  it("counts wrong passwords in a row: a success starts the count again", async () => {
    const { auth } = await withUser();
    for (let i = 0; i < 9; i++) await authError(login(auth, EMAIL, `wrong password ${i}`));
    await login(auth, EMAIL, PASSWORD);
    for (let i = 0; i < 9; i++) await authError(login(auth, EMAIL, `wrong password ${i}`));
    await expect(login(auth, EMAIL, PASSWORD)).resolves.toBeDefined();
  });

  it("counts 50 concurrent wrong passwords exactly 50 times", async () => {
    const { auth, sql, store } = await withUser({ limits: { loginFailuresPerIdentifier: { max: 100, windowSec: 900 } } });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => login(auth, EMAIL, `wrong password ${i}`)));
    expect(tally(results)).toEqual({ INVALID_CREDENTIALS: 50 });
    expect(await auditOf({ sql }, "login_failed")).toHaveLength(50);
    expect((await store.limits.peek(`login-fail:email:${EMAIL}:local:`))!.count).toBe(50);
  });

  it("cannot be raced: 50 concurrent wrong passwords with the default limit give 10 INVALID_CREDENTIALS and 40 RATE_LIMITED", async () => {
    const { auth, sql } = await withUser();
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => login(auth, EMAIL, `wrong password ${i}`)));
    expect(tally(results)).toEqual({ INVALID_CREDENTIALS: 10, RATE_LIMITED: 40 });
    expect(await auditOf({ sql }, "login_failed")).toHaveLength(10);
    expect((await authError(login(auth, EMAIL, PASSWORD))).code).toBe("RATE_LIMITED");
  });

  it("cannot be raced: of 30 guesses at once, 10 are checked and the rest refused unhashed; the right password then is refused", async () => {
    const { auth, hasher } = await withUser();
    const before = hasher.calls.verify;
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => login(auth, EMAIL, `wrong password ${i}`)));
    expect(tally(results)).toEqual({ INVALID_CREDENTIALS: 10, RATE_LIMITED: 20 });
    expect(hasher.calls.verify - before).toBe(10);
    // Which of the guesses are counted first is the database's order, not the order they were
    // sent in; what the race must not buy is an eleventh check, for any password.
    expect((await authError(login(auth, EMAIL, PASSWORD))).code).toBe("RATE_LIMITED");
    expect(hasher.calls.verify - before).toBe(10);
  });
});

describe("no account enumeration by timing", () => {
  // Counted, not timed: the hash is what a wrong password costs, and a wall-clock comparison
  // on a shared machine says more about the machine than about the code.
  it("an unknown email costs one hash check, of the same cost, as a wrong password (a dummy hash is checked)", async () => {
    const { auth, hasher, sql, user } = await withUser();
    const work = async (identifier: string) => {
      const before = { ...hasher.calls };
      await authError(login(auth, identifier, "not the password at all"));
      return { hash: hasher.calls.hash - before.hash, verify: hasher.calls.verify - before.verify };
    };
    await authError(login(auth, "warm-up@example.com", PASSWORD)); // builds the dummy hash once
    expect(await work(EMAIL)).toEqual({ hash: 0, verify: 1 });
    expect(await work("nobody@example.com")).toEqual({ hash: 0, verify: 1 });
    expect(await work("nobody_at_all")).toEqual({ hash: 0, verify: 1 });
    // The dummy is checked at the cost of a real one: argon2's version and parameters, as stored.
    const stored = String((await sql.get("select password_hash as h from credentials where user_id = ?", user.id))!.h);
    const costOf = (phc: string) => phc.split("$").slice(1, 4).join("$");
    expect(costOf(await hasher.dummy(auth.ctx.options.argon2))).toBe(costOf(stored));
  });
});
