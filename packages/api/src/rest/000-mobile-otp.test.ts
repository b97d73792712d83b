/**
 * Family 000 (seeds/000_*.txt): mobile OTP. Envelope `{code, success, payload: {message,
 * data: [...]}}`, HTTP status = code. docs/contracts.md, "Family 000".
 */
import { describe, expect, it } from "vitest";
import { planCodes } from "@authsvc/core/testing";
import { advance, expect000, expect001, expectRetryAfter, fakeDate, jwtHeader, jwtPayload, MINUTE, realTimersAfterEach, restSetup } from "./test-helpers";
import { pastResendWaitMs } from "@authsvc/core/testing";

realTimersAfterEach();

const MOBILE = "0881829915";
const E164 = "+62881829915";

describe("family 000 POST /api/v1/authentication/", () => {
  it("answers 201 'Create new authentication successfully' with data[0] = {id: string, mobile, expired: epoch ms ~ now+5min}", async () => {
    const h = restSetup();
    const before = Date.now();
    const res = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const payload = expect000(res, 201, "Create new authentication successfully");
    expect(payload.data).toHaveLength(1);
    const d = payload.data[0]!;
    expect(Object.keys(d).sort()).toEqual(["expired", "id", "mobile"]);
    expect(typeof d.id).toBe("string");
    expect(d.id).toMatch(/^\d+$/);
    expect(d.mobile).toBe(MOBILE);
    expect(Number.isInteger(d.expired)).toBe(true);
    // epoch milliseconds, not seconds
    expect(d.expired as number).toBeGreaterThan(1e12);
    expect(Math.abs((d.expired as number) - (before + 5 * MINUTE))).toBeLessThan(10_000);
    // the user exists now, with the role customer, and the id is its id
    const userId = await h.userIdByPhone(E164);
    expect(String(userId)).toBe(d.id);
    expect((await h.auth.findUser(userId!))?.role).toBe("customer");
  });

  it("sends the login code by SMS to the number in E.164, never in the response", async () => {
    const h = restSetup();
    const res = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    expect(res.status).toBe(201);
    const sms = (await h.auth.listOutbox(E164));
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ channel: "sms", purpose: "login", to: E164 });
    expect(res.text).not.toContain(sms[0]!.code!);
  });

  it("finds the existing user on a second call (same id, no new user)", async () => {
    fakeDate();
    const h = restSetup();
    const a = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    advance(pastResendWaitMs(h.auth));
    const b = await h.call("POST", "/api/v1/authentication", { mobile_number: MOBILE });
    expect000(b, 201);
    expect(b.body.payload.data[0].id).toBe(a.body.payload.data[0].id);
    expect((await h.userCount())).toBe(1);
  });

  it("answers 400 with data [] for an invalid number, and sends nothing", async () => {
    const h = restSetup();
    for (const mobile_number of ["abcdefg", "12", "0000"]) {
      const res = await h.call("POST", "/api/v1/authentication/", { mobile_number });
      expect000(res, 400);
    }
    expect((await h.userCount())).toBe(0);
    expect((await h.auth.listOutbox())).toHaveLength(0);
  });

  it("answers 429 with Retry-After inside the cooldown", async () => {
    const h = restSetup();
    expect((await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE })).status).toBe(201);
    const res = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    expect000(res, 429);
    expectRetryAfter(res);
  });
});

describe("family 000 PATCH /api/v1/authentication/{id}/ (resend)", () => {
  it("answers 200 'Resend OTP successfully' with the same data shape and a new expiry; the old code stops working", async () => {
    fakeDate();
    const h = restSetup();
    planCodes(h.auth, "111111", "222222");
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const oldCode = (await h.code(MOBILE));
    advance(pastResendWaitMs(h.auth));
    const res = await h.call("PATCH", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE });
    const payload = expect000(res, 200, "Resend OTP successfully");
    const d = payload.data[0]!;
    expect(Object.keys(d).sort()).toEqual(["expired", "id", "mobile"]);
    expect(d.id).toBe(id);
    expect(d.mobile).toBe(MOBILE);
    expect(Number.isInteger(d.expired)).toBe(true);
    expect(d.expired).toBe(Date.now() + 5 * MINUTE);
    expect(d.expired as number).toBeGreaterThan(first.body.payload.data[0].expired);
    const newCode = (await h.code(MOBILE));
    expect((await h.auth.listOutbox(MOBILE))).toHaveLength(2);
    expect([oldCode, newCode]).toEqual(["111111", "222222"]);
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: oldCode, role: "customer" }), 400);
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: newCode, role: "customer" }), 200);
  });

  it("answers 429 with Retry-After inside the resend cooldown", async () => {
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const res = await h.call("PATCH", `/api/v1/authentication/${first.body.payload.data[0].id}/`, { mobile_number: MOBILE });
    expect000(res, 429);
    expectRetryAfter(res);
    expect((await h.auth.listOutbox(MOBILE))).toHaveLength(1);
  });

  it("answers 404 for an unknown id, a non-numeric id, or an id and number that do not belong together", async () => {
    fakeDate();
    const h = restSetup();
    const a = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const idA = a.body.payload.data[0].id as string;
    await h.call("POST", "/api/v1/authentication/", { mobile_number: "081234567890" });
    advance(pastResendWaitMs(h.auth));
    for (const [id, mobile_number] of [
      ["999999", MOBILE],
      ["62bc4f27eaceff44edf66e61", MOBILE],
      [idA, "081234567890"],
    ]) {
      expect000(await h.call("PATCH", `/api/v1/authentication/${id}/`, { mobile_number }), 404);
    }
    expect((await h.auth.listOutbox(MOBILE))).toHaveLength(1);
  });
});

describe("family 000 PUT /api/v1/authentication/{id}/ (login)", () => {
  it("answers 200 'Login successfully' with data[0] = {id, access_token}; the JWT carries sub = id, role, iat, exp", async () => {
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const res = await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: (await h.code(MOBILE)), role: "customer" });
    const payload = expect000(res, 200, "Login successfully");
    expect(payload.data).toHaveLength(1);
    const d = payload.data[0]!;
    expect(Object.keys(d).sort()).toEqual(["access_token", "id"]);
    expect(d.id).toBe(id);
    expect(typeof d.access_token).toBe("string");
    expect(jwtHeader(d.access_token as string).alg).toBe("HS256");
    const claims = jwtPayload(d.access_token as string);
    expect(claims.sub).toBe(id);
    expect(claims.role).toBe("customer");
    expect(Number.isInteger(claims.iat)).toBe(true);
    expect(Number.isInteger(claims.exp)).toBe(true);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(claims.exp as number).toBeGreaterThan(claims.iat as number);
    // the token works on the typed API as that user
    const me = await h.me(d.access_token as string);
    expect(me.status, me.text).toBe(200);
    expect(String(me.body.result.data.id)).toBe(id);
  });

  it("accepts otp_code as a JSON number and the other spelling of the number", async () => {
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const res = await h.call("PUT", `/api/v1/authentication/${id}`, { mobile_number: E164, otp_code: Number((await h.code(MOBILE))), role: "customer" });
    expect000(res, 200, "Login successfully");
  });

  it("without role, the token carries the user's own role (customer)", async () => {
    const h = restSetup();
    const { token } = await h.phoneLogin000(MOBILE, undefined);
    expect(jwtPayload(token).role).toBe("customer");
  });

  it("answers 400 for a wrong code and for an expired one", async () => {
    fakeDate();
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const code = (await h.code(MOBILE));
    const wrong = code === "000000" ? "111111" : "000000";
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: wrong, role: "customer" }), 400);
    advance(5 * MINUTE + 1000);
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: code, role: "customer" }), 400);
  });

  it("answers 403 for a role the user does not hold, and the code stays unused", async () => {
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const code = (await h.code(MOBILE));
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: code, role: "admin" }), 403);
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: code, role: "customer" }), 200);
  });

  it("answers 429 with Retry-After and the envelope after too many wrong codes; then even the right code is refused", async () => {
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const code = (await h.code(MOBILE));
    const wrong = code === "000000" ? "111111" : "000000";
    const statuses: number[] = [];
    let res = await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: wrong, role: "customer" });
    statuses.push(res.status);
    while (res.status === 400 && statuses.length < 10) {
      res = await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: wrong, role: "customer" });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400]);
    expect000(res, 429);
    expectRetryAfter(res);
    const right = await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code: code, role: "customer" });
    expect(right.status).toBeGreaterThanOrEqual(400);
    expect000(right, right.status);
  });

  it("concurrent find-or-create of one number makes one user and never a 500", async () => {
    const h = restSetup();
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE })));
    for (const r of all) expect([201, 429]).toContain(r.status);
    expect(all.filter((r) => r.status === 201)).toHaveLength(1);
    expect((await h.userCount())).toBe(1);
  });

  it("a code is good once", async () => {
    const h = restSetup();
    const first = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    const id = first.body.payload.data[0].id as string;
    const body = { mobile_number: MOBILE, otp_code: (await h.code(MOBILE)), role: "customer" };
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, body), 200);
    expect000(await h.call("PUT", `/api/v1/authentication/${id}/`, body), 400);
  });
});

describe("family 000 PATCH /api/v1/authorization/{id}/ (renew)", () => {
  it("answers 200 'Verify authorization successfully' with a new token; the old one cannot renew again (401)", async () => {
    fakeDate();
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(MOBILE);
    advance(2000);
    const res = await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token });
    const payload = expect000(res, 200, "Verify authorization successfully");
    const d = payload.data[0]!;
    expect(Object.keys(d).sort()).toEqual(["access_token", "id"]);
    expect(d.id).toBe(id);
    expect(d.access_token).not.toBe(token);
    const claims = jwtPayload(d.access_token as string);
    expect(claims).toMatchObject({ sub: id, role: "customer" });
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token }), 401);
  });

  it("an old token replayed after renewal answers 401 and revokes the session: the newest token stops working too", async () => {
    fakeDate();
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(MOBILE);
    advance(2000);
    const renewed = await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token });
    const newest = expect000(renewed, 200, "Verify authorization successfully").data[0]!.access_token as string;
    expect((await h.me(newest)).status).toBe(200);

    // The thief (or the victim) comes back with the old token.
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token }), 401, "Invalid or expired access token");

    const me = await h.me(newest);
    expect(me.status, `the newest token still works after a replay: ${me.text}`).toBe(401);
    expect001(await h.call("GET", `/3p/token?userId=${id}`, undefined, { token: newest }), 401);
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: newest }), 401);
  });

  it("renews a token that has expired while its session lives", async () => {
    fakeDate();
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(MOBILE);
    advance(60 * MINUTE);
    expect((await h.me(token)).status).toBe(401);
    const res = await h.call("PATCH", `/api/v1/authorization/${id}`, { mobile_number: MOBILE, access_token: token });
    expect000(res, 200, "Verify authorization successfully");
    expect((await h.me(res.body.payload.data[0].access_token)).status).toBe(200);
  });

  it("answers 401 for a token that is not ours, revoked, or past the session's lifetime", async () => {
    fakeDate();
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(MOBILE);
    const seedToken =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI2MmJjNGYyN2VhY2VmZjQ0ZWRmNjZlNjEiLCJyb2xlIjoiY3VzdG9tZXIiLCJpYXQiOjE2NTY1MDgyNzIsImV4cCI6MTY1NzExMzA3Mn0.BcgQ0cMOMB5njBiW5w9ptvgmjq02NFKKGtTlqwfnD7M";
    for (const access_token of [seedToken, "garbage", token.slice(0, -2) + "xx"]) {
      expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token }), 401);
    }
    // past the session's lifetime (30 days)
    advance(31 * 24 * 60 * MINUTE);
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token }), 401);
  });

  it("answers 401 for a revoked session's token", async () => {
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(MOBILE);
    await h.auth.logout(await h.auth.authenticate(token));
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token }), 401);
  });

  it("answers 404 when the id and number do not belong together", async () => {
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(MOBILE);
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: "081234567890", access_token: token }), 404);
    expect000(await h.call("PATCH", `/api/v1/authorization/999999/`, { mobile_number: MOBILE, access_token: token }), 404);
    // and the token still renews afterwards
    expect000(await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token }), 200);
  });
});
