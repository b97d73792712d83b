import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { authError, fakeClockEachTest, lastCode } from "../test-helpers";
import { codeLifetimeMs, createTestAuth, planCodes } from "../testing";

const PHONE = "0881829915";
const E164 = "+62881829915";

const clock = fakeClockEachTest();

describe("requestPhoneCode", () => {
  it("with createIfMissing creates exactly one user for a number, in any of its forms", async () => {
    const { auth, sql } = createTestAuth();
    const first = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true, role: "customer" });
    expect(first.user).toMatchObject({ phone: E164, role: "customer", phoneVerifiedAt: null });
    expect(first.phone).toBe(E164);
    expect(first.expiresAt).toBe(Date.now() + codeLifetimeMs(auth));
    expect(first.resendInSec).toBe(60);

    clock.advanceSec(60);
    const again = await auth.requestPhoneCode({ phone: "+62 881-829-915", createIfMissing: true, role: "customer" });
    expect(again.user!.id).toBe(first.user!.id);
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
    expect((await auth.listOutbox(PHONE))).toHaveLength(2);
  });

  it("finds the user who signed up elsewhere with the same number", async () => {
    const { auth, sql } = createTestAuth();
    const signedUp = await auth.createAccount({ phone: "+62881829915", email: "ana@example.com", fullName: "Ana" });
    const sent = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true, role: "customer" });
    expect(sent.user!.id).toBe(signedUp.id);
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
  });

  it("without createIfMissing: an unknown number gets the same shape, and nothing is sent or created", async () => {
    const { auth, sql } = createTestAuth();
    await auth.createAccount({ phone: "+62881829916" });
    const known = await auth.requestPhoneCode({ phone: "0881829916", createIfMissing: false });
    const unknown = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: false });

    expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
    expect(unknown.expiresAt - Date.now()).toBe(known.expiresAt - Date.now());
    expect(unknown.phone).toBe(E164);
    expect(unknown.resendInSec).toBe(known.resendInSec);
    expect((await auth.listOutbox("0881829916"))).toHaveLength(1);
    expect((await auth.listOutbox(PHONE))).toHaveLength(0);
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
    // The unknown number's code is a decoy: no user, never sent, counted like a real one.
    expect((await sql.all("SELECT user_id FROM challenges")).map((c) => c.user_id === null).sort()).toEqual([false, true]);
  });

  it("without createIfMissing: asking twice in a row answers a known number like an unknown one", async () => {
    const { auth } = createTestAuth();
    await auth.createAccount({ phone: "+62881829916" });
    await auth.requestPhoneCode({ phone: "0881829916", createIfMissing: false });
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: false });
    clock.advanceSec(5);
    // The cooldown counts per number whether or not it has an account: both are refused alike.
    const unknown = await authError(auth.requestPhoneCode({ phone: PHONE, createIfMissing: false }));
    const known = await authError(auth.requestPhoneCode({ phone: "0881829916", createIfMissing: false }));
    expect(known).toMatchObject({ code: "RESEND_COOLDOWN", detail: { retryAfterSec: 55 } });
    expect({ code: unknown.code, detail: unknown.detail }).toEqual({ code: known.code, detail: known.detail });
    expect((await auth.listOutbox("0881829916"))).toHaveLength(1);
  });

  it("refuses an invalid number with INVALID_PHONE and creates nothing", async () => {
    const { auth, sql } = createTestAuth();
    expect((await authError(auth.requestPhoneCode({ phone: "12ab", createIfMissing: true }))).code).toBe("INVALID_PHONE");
    expect(await sql.all("SELECT id FROM users")).toHaveLength(0);
    expect((await auth.listOutbox())).toHaveLength(0);
  });
});

describe("requestPhoneCode: its writes in one batch", () => {
  const meta = { ip: "203.0.113.7" };
  const count = async (sql: ReturnType<typeof createTestAuth>["sql"], key: string) =>
    ((await sql.get("SELECT count FROM rate_limits WHERE key = ?", key)) as { count: number } | undefined)?.count ?? 0;

  it("a refusal inside the send keeps the address count made before it and undoes the send's own counts", async () => {
    const { auth, sql } = createTestAuth({ code: { destinationPerHour: 1 } });
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }, meta);
    clock.advanceSec(60);
    // Past the destination's hourly ceiling: refused inside the send, after the address was counted.
    const refused = await authError(auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }, meta));
    expect(refused.code).toBe("RATE_LIMITED");
    expect(await count(sql, "codeSendPerIp:203.0.113.7")).toBe(2);
    expect(await count(sql, `code-dest-h:${E164}:`)).toBe(1);
    expect(await count(sql, `code-send-h:login:${E164}:ip:203.0.113.7:`)).toBe(1);
    expect(await sql.all("SELECT id FROM challenges")).toHaveLength(1);
    expect(await auth.listOutbox(PHONE)).toHaveLength(1);
  });

  it("a refusal by the address limit keeps its count, and creates and sends nothing", async () => {
    const { auth, sql } = createTestAuth({ limits: { codeSendPerIp: { max: 1, windowSec: 3600 } } });
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true }, meta);
    expect((await authError(auth.requestPhoneCode({ phone: "0881829916", createIfMissing: true }, meta))).code).toBe("RATE_LIMITED");
    expect((await authError(auth.requestPhoneCode({ phone: "0881829917", createIfMissing: true }, meta))).code).toBe("RATE_LIMITED");
    expect(await count(sql, "codeSendPerIp:203.0.113.7")).toBe(3);
    expect(await sql.all("SELECT id FROM users")).toHaveLength(1);
    expect(await sql.all("SELECT id FROM challenges")).toHaveLength(1);
  });
});

describe("resendPhoneCode", () => {
  it("sends a new code with a new expiry once the cooldown is over", async () => {
    const { auth } = createTestAuth();
    const sent = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    clock.advanceSec(60);
    const resent = await auth.resendPhoneCode({ userId: sent.user!.id, phone: E164 });
    expect(resent.expiresAt).toBe(sent.expiresAt + 60_000);
    expect(resent.resendInSec).toBe(120);
    expect((await auth.listOutbox(PHONE))).toHaveLength(2);
  });

  it("answers RESEND_COOLDOWN with retryAfterSec inside the cooldown", async () => {
    const { auth } = createTestAuth();
    const sent = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    clock.advanceSec(15);
    const e = await authError(auth.resendPhoneCode({ userId: sent.user!.id, phone: PHONE }));
    expect(e.code).toBe("RESEND_COOLDOWN");
    expect(e.detail.retryAfterSec).toBe(45);
    expect((await auth.listOutbox(PHONE))).toHaveLength(1);
  });

  it("answers USER_NOT_FOUND when the id and the number do not belong together", async () => {
    const { auth } = createTestAuth();
    const ana = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    const bo = await auth.requestPhoneCode({ phone: "0881829916", createIfMissing: true });
    clock.advanceSec(60);
    expect((await authError(auth.resendPhoneCode({ userId: bo.user!.id, phone: PHONE }))).code).toBe("USER_NOT_FOUND");
    expect((await authError(auth.resendPhoneCode({ userId: 999_999, phone: PHONE }))).code).toBe("USER_NOT_FOUND");
    expect((await authError(auth.resendPhoneCode({ userId: ana.user!.id, phone: "0881829917" }))).code).toBe("USER_NOT_FOUND");
    expect((await auth.listOutbox(PHONE))).toHaveLength(1);
  });
});

describe("loginWithPhoneCode", () => {
  it("signs in, marks the phone verified and issues a JWT for the user", async () => {
    const { auth } = createTestAuth();
    const sent = await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true, role: "customer" });
    clock.advanceSec(10);
    const s = await auth.loginWithPhoneCode({ phone: "+62881829915", code: (await lastCode(auth, PHONE)) }, { type: "jwt", role: "customer" });
    expect(s.user.id).toBe(sent.user!.id);
    expect(s.user.phoneVerifiedAt).toBe(Date.now());
    expect((await auth.findUser(sent.user!.id))!.phoneVerifiedAt).toBe(Date.now());
    const claims = decodeJwt(s.token);
    expect(claims).toMatchObject({ sub: String(sent.user!.id), role: "customer", exp: claims.iat! + 900 });
    expect((await auth.authenticate(s.token)).user.id).toBe(sent.user!.id);
  });

  it("issues an opaque bearer token when asked", async () => {
    const { auth } = createTestAuth();
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    const s = await auth.loginWithPhoneCode({ phone: PHONE, code: (await lastCode(auth, PHONE)) }, { type: "bearer" });
    expect(s.token.split(".")).toHaveLength(1);
    expect(s.expiresAt).toBe(Date.now() + 24 * 3600 * 1000);
    expect((await auth.authenticate(s.token))).toMatchObject({ via: "bearer", scope: "full" });
  });

  it("refuses a role the user does not hold with ROLE_NOT_HELD, and the code is not used up", async () => {
    const { auth, sql } = createTestAuth();
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true, role: "customer" });
    const code = (await lastCode(auth, PHONE));
    const e = await authError(auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt", role: "admin" }));
    expect(e.code).toBe("ROLE_NOT_HELD");
    expect((await sql.get("SELECT consumed_at FROM challenges"))!.consumed_at).toBeNull();
    expect((await auth.findUser(1))!.phoneVerifiedAt).toBeNull();

    const s = await auth.loginWithPhoneCode({ phone: PHONE, code }, { type: "jwt" });
    expect(decodeJwt(s.token).role).toBe("customer");
  });

  it("refuses the right code for another user's id (family 000's id in the path)", async () => {
    const { auth } = createTestAuth();
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    const bo = await auth.requestPhoneCode({ phone: "0881829916", createIfMissing: true });
    const code = (await lastCode(auth, PHONE));
    const e = await authError(auth.loginWithPhoneCode({ phone: PHONE, code, userId: bo.user!.id }, { type: "jwt" }));
    expect(e.code).toBe("INVALID_CODE");
  });

  it("refuses a code for another number", async () => {
    const { auth } = createTestAuth();
    planCodes(auth, "111111", "222222");
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    await auth.requestPhoneCode({ phone: "0881829916", createIfMissing: true });
    const mine = (await lastCode(auth, PHONE));
    expect(mine).toBe("111111");
    const e = await authError(auth.loginWithPhoneCode({ phone: "0881829916", code: mine }, { type: "jwt" }));
    expect(e.code).toBe("INVALID_CODE");
  });
});
