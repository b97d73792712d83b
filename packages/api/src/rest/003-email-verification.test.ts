/**
 * Family 003 (seeds/003_*.txt): sign-up verified by `verificationId`, base `/api/v1/auth`.
 * Errors `{message}`. docs/contracts.md, "Family 003".
 */
import { describe, expect, it } from "vitest";
import { planCodes } from "@authsvc/core/testing";
import { advance, expect003, expectRetryAfter, fakeDate, jwtPayload, MINUTE, PASS, PASS2, realTimersAfterEach, restSetup, type RestHarness } from "./test-helpers";
import { pastResendWaitMs } from "@authsvc/core/testing";

realTimersAfterEach();

const EMAIL = "johndoe@gmail.com";
const FULL = {
  username: "johndoe",
  email: EMAIL,
  phone: "+998 90 000 00 00",
  password: PASS,
  fullname: "John Doe",
  profile_picture: "your picture",
  bio: "Detailed biography of yourself",
  birthday: "10.01.1996",
};
const USER_KEYS = ["bio", "birthday", "created_at", "email", "fullname", "id", "phone", "profile_picture", "role", "updated_at"];

const register = (h: RestHarness, over: Record<string, unknown> = {}) => h.call("POST", "/api/v1/auth/register", { ...FULL, ...over });

function expectUserView(user: Record<string, unknown>) {
  expect(Object.keys(user)).toEqual(expect.arrayContaining(USER_KEYS));
  expect(typeof user.id).toBe("number");
  expect(Number.isInteger(user.id)).toBe(true);
  expect(user).toMatchObject({
    email: EMAIL,
    fullname: "John Doe",
    birthday: "10.01.1996",
    profile_picture: "your picture",
    bio: "Detailed biography of yourself",
    role: "User",
  });
  expect(typeof user.phone).toBe("string");
  for (const k of ["created_at", "updated_at"]) expect(new Date(user[k] as string).toISOString()).toBe(user[k]);
  for (const key of Object.keys(user)) expect(key).not.toMatch(/hash|password|pin|secret|token|code/i);
  expect(JSON.stringify(user)).not.toContain(PASS);
}

describe("family 003 POST /api/v1/auth/register", () => {
  it("answers 200 {message, email, timeOut: 300, verificationId}; no user exists until verified; the code goes by email", async () => {
    const h = restSetup();
    const res = await register(h);
    const body = expect003(res, 200, "Verification code sent to your email");
    expect(Object.keys(body).sort()).toEqual(["email", "message", "timeOut", "verificationId"]);
    expect(body.email).toBe(EMAIL);
    expect(body.timeOut).toBe(300);
    expect(typeof body.verificationId).toBe("string");
    expect(body.verificationId.length).toBeGreaterThanOrEqual(16);
    expect((await h.userCount())).toBe(0);
    const mail = (await h.auth.listOutbox(EMAIL));
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ channel: "email", purpose: "signup" });
    expect(res.text).not.toContain(mail[0]!.code!);
  });

  it("answers 400 {message} for validation failures (birthday not DD.MM.YYYY, bad email, missing fields, weak password)", async () => {
    const h = restSetup();
    for (const over of [
      { birthday: "1996-01-10" },
      { birthday: "31.02.1996" },
      { email: "not-an-email" },
      { email: undefined },
      { username: undefined },
      { password: undefined },
      { password: "password" },
      { phone: "abc" },
      { username: 42 },
    ]) {
      expect003(await register(h, over), 400);
    }
    expect((await h.userCount())).toBe(0);
    expect((await h.auth.listOutbox())).toHaveLength(0);
  });

  it("names the bound a short password broke, as the service's policy sets it, and a common one as common", async () => {
    const h = restSetup({ options: { password: { minLength: 11, maxLength: 64 } } });
    const short = await register(h, { password: "a7#kQ2!x" });
    expect003(short, 400);
    expect(short.body.message).toContain("11");
    const common = await register(h, { password: "password123" });
    expect003(common, 400);
    expect(common.body.message).toMatch(/common/i);
    expect((await h.auth.listOutbox())).toHaveLength(0);
  });

  it("answers 409 when the username, email or phone is taken", async () => {
    const h = restSetup();
    await h.verifiedUser({ username: "johndoe", email: EMAIL, phone: FULL.phone });
    expect003(await register(h, { email: "other@gmail.com", phone: undefined }), 409);
    expect003(await register(h, { username: "janedoe", phone: undefined }), 409);
    expect003(await register(h, { username: "janedoe", email: "other@gmail.com", phone: "+998900000000" }), 409);
    expect003(await register(h, { username: "JOHNDOE", email: "other@gmail.com", phone: undefined }), 409);
  });
});

describe("family 003 GET /api/v1/auth/status", () => {
  it("answers pending {message, email, timeOut} with the seconds left decreasing, then verified {message, email}", async () => {
    fakeDate();
    const h = restSetup();
    const id = (await register(h)).body.verificationId as string;
    const a = await h.call("GET", `/api/v1/auth/status?id=${id}`);
    expect003(a, 200, "Verification code sent to email");
    expect(Object.keys(a.body).sort()).toEqual(["email", "message", "timeOut"]);
    expect(a.body.email).toBe(EMAIL);
    expect(Number.isInteger(a.body.timeOut)).toBe(true);
    expect(a.body.timeOut).toBeLessThanOrEqual(300);
    expect(a.body.timeOut).toBeGreaterThan(290);
    advance(70_000);
    const b = await h.call("GET", `/api/v1/auth/status/?id=${id}`);
    expect003(b, 200, "Verification code sent to email");
    expect(b.body.timeOut).toBe(a.body.timeOut - 70);

    const ver = await h.call("POST", "/api/v1/auth/verify", { code: (await h.code(EMAIL)), verificationId: id });
    expect(ver.status, ver.text).toBe(200);
    const c = await h.call("GET", `/api/v1/auth/status?id=${id}`);
    expect003(c, 200, "Email successfuly verified");
    expect(c.body).toEqual({ message: "Email successfuly verified", email: EMAIL });
  });

  it("answers 404 {message} for an unknown or missing id", async () => {
    const h = restSetup();
    await register(h);
    expect003(await h.call("GET", "/api/v1/auth/status?id=aade4420-533c-45bc-8103-cf6632abb342"), 404);
    expect003(await h.call("GET", "/api/v1/auth/status"), 404);
    expect003(await h.call("GET", `/api/v1/auth/status?id=${"x".repeat(5000)}`), 404);
  });

  it("answers 410 {message} once expired", async () => {
    fakeDate();
    const h = restSetup();
    const id = (await register(h)).body.verificationId as string;
    advance(5 * MINUTE + 1000);
    expect003(await h.call("GET", `/api/v1/auth/status?id=${id}`), 410);
  });
});

describe("family 003 POST /api/v1/auth/resend", () => {
  it("answers 200 with the register shape, a new verificationId and a new code; the old code stops working", async () => {
    fakeDate();
    const h = restSetup();
    planCodes(h.auth, "111111", "222222");
    const first = (await register(h)).body;
    const oldCode = (await h.code(EMAIL));
    advance(pastResendWaitMs(h.auth));
    const res = await h.call("POST", "/api/v1/auth/resend", { email: EMAIL });
    const body = expect003(res, 200, "Verification code sent to email");
    expect(Object.keys(body).sort()).toEqual(["email", "message", "timeOut", "verificationId"]);
    expect(body.email).toBe(EMAIL);
    expect(body.timeOut).toBe(300);
    expect(typeof body.verificationId).toBe("string");
    expect(body.verificationId).not.toBe(first.verificationId);
    expect((await h.auth.listOutbox(EMAIL))).toHaveLength(2);
    const newCode = (await h.code(EMAIL));

    expect003(await h.call("POST", "/api/v1/auth/verify", { code: oldCode, verificationId: first.verificationId }), 400);
    expect([oldCode, newCode]).toEqual(["111111", "222222"]);
    expect003(await h.call("POST", "/api/v1/auth/verify", { code: oldCode, verificationId: body.verificationId }), 400);
    expect((await h.userCount())).toBe(0);
    expect003(await h.call("POST", "/api/v1/auth/verify", { code: newCode, verificationId: body.verificationId }), 200, "Successfuly registered");
    expect((await h.userCount())).toBe(1);
  });

  it("answers 429 {message} with Retry-After inside the cooldown", async () => {
    const h = restSetup();
    await register(h);
    const res = await h.call("POST", "/api/v1/auth/resend", { email: EMAIL });
    expect003(res, 429);
    expectRetryAfter(res);
    expect((await h.auth.listOutbox(EMAIL))).toHaveLength(1);
  });

  it("answers 404 {message} for an unknown email, and for one whose registration is already verified", async () => {
    fakeDate();
    const h = restSetup();
    expect003(await h.call("POST", "/api/v1/auth/resend", { email: "nobody@gmail.com" }), 404);
    await h.verifiedUser({ username: "johndoe", email: EMAIL });
    advance(2 * MINUTE);
    expect003(await h.call("POST", "/api/v1/auth/resend", { email: EMAIL }), 404);
  });
});

describe("family 003 POST /api/v1/auth/verify", () => {
  it("answers 200 'Successfuly registered' {user, token}; user.id is a number; no secret in user", async () => {
    const h = restSetup();
    const id = (await register(h)).body.verificationId as string;
    const res = await h.call("POST", "/api/v1/auth/verify", { code: (await h.code(EMAIL)), verificationId: id });
    const body = expect003(res, 200, "Successfuly registered");
    expect(Object.keys(body).sort()).toEqual(["message", "token", "user"]);
    expectUserView(body.user);
    expect(body.user.phone).toBe("+998900000000");
    expect((await h.userCount())).toBe(1);
    expect(jwtPayload(body.token).sub).toBe(String(body.user.id));
    const me = await h.me(body.token);
    expect(me.status).toBe(200);
    expect(me.body.result.data.id).toBe(body.user.id);
    expect(me.body.result.data.emailVerified).toBe(true);
  });

  it("takes code as a JSON number, as family 002 takes otp_number: 12345 means code 012345", async () => {
    const h = restSetup({ newCode: () => "012345" });
    const id = (await register(h)).body.verificationId as string;
    expect((await h.code(EMAIL))).toBe("012345");
    expect003(await h.call("POST", "/api/v1/auth/verify", { code: 12345, verificationId: id }), 200, "Successfuly registered");
    expect((await h.userCount())).toBe(1);
  });

  it("reads a 5-digit JSON number as a code (a wrong one here), answered like any wrong code", async () => {
    const h = restSetup({ newCode: () => "543210" });
    const id = (await register(h)).body.verificationId as string;
    const five = await h.call("POST", "/api/v1/auth/verify", { code: 12345, verificationId: id });
    const wrong = await h.call("POST", "/api/v1/auth/verify", { code: "000001", verificationId: id });
    expect003(five, 400, wrong.body.message);
    expect003(await h.call("POST", "/api/v1/auth/verify", { code: 543210, verificationId: id }), 200, "Successfuly registered");
  });

  it("answers 400 {message} for a wrong code, an expired code, and after too many tries (then even the right code)", async () => {
    fakeDate();
    const h = restSetup();
    const id = (await register(h)).body.verificationId as string;
    const code = (await h.code(EMAIL));
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) expect003(await h.call("POST", "/api/v1/auth/verify", { code: wrong, verificationId: id }), 400);
    expect003(await h.call("POST", "/api/v1/auth/verify", { code, verificationId: id }), 400);
    expect((await h.userCount())).toBe(0);

    const h2 = restSetup();
    const id2 = (await register(h2)).body.verificationId as string;
    const code2 = (await h2.code(EMAIL));
    advance(5 * MINUTE + 1000);
    expect003(await h2.call("POST", "/api/v1/auth/verify", { code: code2, verificationId: id2 }), 400);
    expect((await h2.userCount())).toBe(0);
  });

  it("answers 400 for an unknown verificationId", async () => {
    const h = restSetup();
    await register(h);
    expect003(await h.call("POST", "/api/v1/auth/verify", { code: (await h.code(EMAIL)), verificationId: "aade4420-533c-45bc-8103-cf6632abb342" }), 400);
  });

  it("a verificationId verifies once", async () => {
    const h = restSetup();
    const id = (await register(h)).body.verificationId as string;
    const code = (await h.code(EMAIL));
    expect003(await h.call("POST", "/api/v1/auth/verify", { code, verificationId: id }), 200);
    const again = await h.call("POST", "/api/v1/auth/verify", { code, verificationId: id });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect((await h.userCount())).toBe(1);
  });
});

describe("family 003 POST /api/v1/auth/login", () => {
  it("answers 200 'Successfuly login' {user, token}", async () => {
    const h = restSetup();
    const reg = await h.verifiedUser({ username: "johndoe2", email: "john2@gmail.com" });
    const res = await h.call("POST", "/api/v1/auth/login", { email: "JOHN2@gmail.com", password: PASS });
    const body = expect003(res, 200, "Successfuly login");
    expect(Object.keys(body).sort()).toEqual(["message", "token", "user"]);
    expect(body.user.id).toBe(reg.id);
    expect(typeof body.user.id).toBe("number");
    expect(body.user.username).toBe("johndoe2");
    for (const key of Object.keys(body.user)) expect(key).not.toMatch(/hash|password|pin|secret/i);
    expect((await h.me(body.token)).body.result.data.id).toBe(reg.id);
  });

  it("answers 401 {message} for a wrong email or password, with one message", async () => {
    const h = restSetup();
    await h.verifiedUser({ username: "johndoe", email: EMAIL });
    const a = await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: PASS2 });
    const b = await h.call("POST", "/api/v1/auth/login", { email: "nobody@gmail.com", password: PASS });
    expect003(a, 401);
    expect003(b, 401, a.body.message);
  });
});
