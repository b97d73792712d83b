/**
 * Family 001 (seeds/001_*.txt): phone sign-up. Envelope `{timestamp, errorCode,
 * errorMessage, success, content | value}`. docs/contracts.md, "Family 001".
 */
import { createPublicKey, createVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { advance, expect001, expectRetryAfter, fakeDate, jwtHeader, jwtPayload, MINUTE, realTimersAfterEach, restSetup } from "./test-helpers";

realTimersAfterEach();

const PHONE = "+6281990333364";
/** A valid number of a country outside the default smsCountries (ID, UZ in these tests). */
const US_NUMBER = "+14155550100";
const BAD_REQUEST = "Bad Request: Invalid request format.";
const BAD_NUMBER = "Bad Request: Invalid number format";
const UNAUTHORIZED = "Unauthorized: You are not allowed to access.";
const FIREBASE_AUD = "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit";

const signUpBody = (over: Record<string, unknown> = {}) => ({
  name: "Syntia",
  email: "syntia@gmail.com",
  phoneNumber: PHONE,
  birthDate: "2020-03-28",
  ...over,
});

describe("family 001 POST /user/sign-up", () => {
  it("answers 200 {timestamp (ISO 8601), errorCode: null, errorMessage: '', success: true} and creates the user", async () => {
    const h = restSetup();
    const res = await h.call("POST", "/user/sign-up", signUpBody());
    const body = expect001(res, 200);
    expect(Object.keys(body).sort()).toEqual(["errorCode", "errorMessage", "success", "timestamp"]);
    expect(body.errorCode).toBeNull();
    expect(body.errorMessage).toBe("");
    expect((await h.userCount())).toBe(1);
    const id = (await h.userIdByPhone(PHONE))!;
    expect((await h.auth.findUser(id))).toMatchObject({ email: "syntia@gmail.com", fullName: "Syntia", birthDate: "2020-03-28" });
  });

  it("answers 400 'Bad Request: Invalid request format.' for a missing field, a bad email or a bad date", async () => {
    const h = restSetup();
    for (const body of [
      { name: "Syntia", email: "syntia@gmail.com", phoneNumber: PHONE },
      signUpBody({ email: "not-an-email" }),
      signUpBody({ birthDate: "28.03.2020" }),
      signUpBody({ birthDate: "2020-02-31" }),
      signUpBody({ name: 42 }),
    ]) {
      expect001(await h.call("POST", "/user/sign-up", body), 400, BAD_REQUEST);
    }
    expect((await h.userCount())).toBe(0);
  });

  it("answers 400 'Bad Request: Invalid request format.' for a phone number that is not one (the route's one documented 400)", async () => {
    const h = restSetup();
    for (const phoneNumber of ["not a phone", "abc", "12", US_NUMBER]) {
      expect001(await h.call("POST", "/user/sign-up", signUpBody({ phoneNumber })), 400, BAD_REQUEST);
    }
    expect((await h.userCount())).toBe(0);
  });

  it("answers 409 when the phone (in any spelling) or the email is already taken", async () => {
    const h = restSetup();
    expect001(await h.call("POST", "/user/sign-up", signUpBody()), 200);
    expect001(await h.call("POST", "/user/sign-up", signUpBody({ email: "other@gmail.com", phoneNumber: "081990333364" })), 409);
    expect001(await h.call("POST", "/user/sign-up", signUpBody({ email: "SYNTIA@gmail.com", phoneNumber: "081234567890" })), 409);
    expect((await h.userCount())).toBe(1);
  });
});

describe("family 001 POST /verify-phone", () => {
  it("answers 200 with content {verificationCode, expiresIn (seconds)} while the dev outbox is on, and sends the code by SMS", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    const res = await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const body = expect001(res, 200);
    expect(Object.keys(body).sort()).toEqual(["content", "errorCode", "errorMessage", "success", "timestamp"]);
    expect(Object.keys(body.content).sort()).toEqual(["expiresIn", "verificationCode"]);
    expect(body.content.verificationCode).toMatch(/^\d{6}$/);
    expect(Number.isInteger(body.content.expiresIn)).toBe(true);
    expect(body.content.expiresIn).toBeGreaterThanOrEqual(295);
    expect(body.content.expiresIn).toBeLessThanOrEqual(300);
    const sms = (await h.auth.listOutbox(PHONE));
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ channel: "sms", purpose: "login", code: body.content.verificationCode });
  });

  it("omits verificationCode when the dev outbox does not answer the request, and still sends the SMS", async () => {
    const h = restSetup({ handler: { devOutbox: "off" } });
    await h.call("POST", "/user/sign-up", signUpBody());
    const res = await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const body = expect001(res, 200);
    expect(Object.keys(body.content)).toEqual(["expiresIn"]);
    expect(res.text).not.toContain("verificationCode");
    expect((await h.auth.listOutbox(PHONE))).toHaveLength(1);
    for (const m of (await h.auth.listOutbox(PHONE))) expect(res.text).not.toContain(m.code ?? "no code stored");
  });

  it("answers unknown numbers the same 200 and sends nothing (no verificationCode, even with the dev outbox on)", async () => {
    const h = restSetup();
    const res = await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const body = expect001(res, 200);
    expect(Object.keys(body.content)).toEqual(["expiresIn"]);
    expect(body.content.expiresIn).toBe(300);
    expect((await h.auth.listOutbox())).toHaveLength(0);
    expect((await h.userCount())).toBe(0);
  });

  it("answers 400 'Bad Request: Invalid number format' for any phoneNumber string that is not a number it may text, and sends nothing", async () => {
    const h = restSetup();
    for (const phoneNumber of ["abc", "12", "", "abcdefg", "12345", "1".repeat(300), US_NUMBER]) {
      expect001(await h.call("POST", "/verify-phone", { phoneNumber }), 400, BAD_NUMBER);
    }
    expect((await h.auth.listOutbox())).toHaveLength(0);
  });

  it("answers 400 'Bad Request: Invalid request format.' only when phoneNumber is missing or not a string", async () => {
    const h = restSetup();
    for (const body of [{}, { phoneNumber: null }, { phoneNumber: 6281990333364 }, { phoneNumber: ["+6281990333364"] }, { phone: PHONE }]) {
      expect001(await h.call("POST", "/verify-phone", body), 400, BAD_REQUEST);
    }
    expect((await h.auth.listOutbox())).toHaveLength(0);
  });

  it("takes a number of a country added to smsCountries", async () => {
    const h = restSetup({ options: { smsCountries: ["ID", "US"] } });
    expect001(await h.call("POST", "/verify-phone", { phoneNumber: US_NUMBER }), 200);
  });

  it("inside the resend cooldown a known number reads like an unknown one: the same 429, no second SMS", async () => {
    const h = restSetup({ handler: { devOutbox: "off" } });
    await h.call("POST", "/user/sign-up", signUpBody());
    const OTHER = "+6281990333399";
    const first = expect001(await h.call("POST", "/verify-phone", { phoneNumber: PHONE }), 200);
    const firstUnknown = expect001(await h.call("POST", "/verify-phone", { phoneNumber: OTHER }), 200);
    expect(firstUnknown.content).toEqual(first.content);
    const again = await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const againUnknown = await h.call("POST", "/verify-phone", { phoneNumber: OTHER });
    const body = expect001(again, 429);
    expect({ ...expect001(againUnknown, 429), timestamp: body.timestamp }).toEqual(body);
    expect(againUnknown.headers.get("retry-after")).toBe(again.headers.get("retry-after"));
    expect((await h.auth.listOutbox(PHONE))).toHaveLength(1);
    expect((await h.auth.listOutbox(OTHER))).toHaveLength(0);
  });
});

describe("family 001 POST /login", () => {
  it("answers 200 content {accessToken (opaque), tokenType: 'bearer', expiresIn, scope: 'read write trust'}", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const res = await h.call("POST", "/login", { phoneNumber: "081990333364", verificationCode: (await h.code(PHONE)) });
    const body = expect001(res, 200);
    expect(Object.keys(body.content).sort()).toEqual(["accessToken", "expiresIn", "scope", "tokenType"]);
    expect(typeof body.content.accessToken).toBe("string");
    expect(body.content.accessToken.split(".")).toHaveLength(1); // opaque, not a JWT
    expect(body.content.accessToken.length).toBeGreaterThanOrEqual(32);
    expect(body.content.tokenType).toBe("bearer");
    expect(Number.isInteger(body.content.expiresIn)).toBe(true);
    expect(body.content.expiresIn).toBeGreaterThan(0);
    expect(body.content.expiresIn).toBeLessThanOrEqual(24 * 3600);
    expect(body.content.scope).toBe("read write trust");
    const me = await h.me(body.content.accessToken);
    expect(me.status, me.text).toBe(200);
    expect(me.body.result.data.id).toBe((await h.userIdByPhone(PHONE)));
  });

  it("answers 401 'Unauthorized: You are not allowed to access.' for a wrong, expired or used code and an unknown number", async () => {
    fakeDate();
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const code = (await h.code(PHONE));
    const wrong = code === "000000" ? "111111" : "000000";
    expect001(await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: wrong }), 401, UNAUTHORIZED);
    expect001(await h.call("POST", "/login", { phoneNumber: "081234567890", verificationCode: code }), 401, UNAUTHORIZED);
    expect001(await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: code }), 200);
    expect001(await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: code }), 401, UNAUTHORIZED);
    advance(2 * MINUTE);
    await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const next = (await h.code(PHONE));
    advance(5 * MINUTE + 1000);
    expect001(await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: next }), 401, UNAUTHORIZED);
  });

  it("answers the same 401 for a phoneNumber string that is not a number; 400 'Invalid request format.' only for a missing or non-string one", async () => {
    const h = restSetup();
    for (const phoneNumber of ["abc", "12", "", US_NUMBER]) {
      expect001(await h.call("POST", "/login", { phoneNumber, verificationCode: "123456" }), 401, UNAUTHORIZED);
    }
    for (const body of [{ verificationCode: "123456" }, { phoneNumber: 6281990333364, verificationCode: "123456" }, { phoneNumber: null, verificationCode: "123456" }]) {
      expect001(await h.call("POST", "/login", body), 400, BAD_REQUEST);
    }
  });

  it("answers 429 with Retry-After and the envelope after too many wrong codes", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    await h.call("POST", "/verify-phone", { phoneNumber: PHONE });
    const code = (await h.code(PHONE));
    const wrong = code === "000000" ? "111111" : "000000";
    let res = await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: wrong });
    for (let i = 0; i < 10 && res.status === 401; i++) res = await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: wrong });
    expect001(res, 429);
    expectRetryAfter(res);
    // locked: even the right code is refused now
    const right = await h.call("POST", "/login", { phoneNumber: PHONE, verificationCode: code });
    expect(right.status).toBeGreaterThanOrEqual(400);
    expect(right.body.success).toBe(false);
  });

  it("GET /login is not a REST route (the web login page keeps it)", async () => {
    const h = restSetup();
    expect(h.handler.handles("POST", "/login")).toBe(true);
    expect(h.handler.handles("GET", "/login")).toBe(false);
  });
});

describe("family 001 GET /3p/token", () => {
  it("answers 200 value = a Firebase custom token (RS256; iss = sub = service account, aud, uid, exp <= iat + 1h)", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    const token = await h.phoneLogin001(PHONE);
    const id = (await h.userIdByPhone(PHONE))!;
    const res = await h.call("GET", `/3p/token?userId=${id}`, undefined, { token });
    const body = expect001(res, 200);
    expect(Object.keys(body).sort()).toEqual(["errorCode", "errorMessage", "success", "timestamp", "value"]);
    const value = body.value as string;
    expect(jwtHeader(value).alg).toBe("RS256");
    const claims = jwtPayload(value);
    const email = h.auth.firebaseClientEmail();
    expect(claims.iss).toBe(email);
    expect(claims.sub).toBe(email);
    expect(claims.aud).toBe(FIREBASE_AUD);
    expect(claims.uid).toBe(String(id));
    expect(Number.isInteger(claims.iat)).toBe(true);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(claims.exp as number).toBeGreaterThan(claims.iat as number);
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(3600);
    // the signature verifies with the service account's public key
    const sa = JSON.parse(readFileSync(path.join(h.auth.options.dataDir, "firebase-service-account.json"), "utf8"));
    const [head, payload, sig] = value.split(".") as [string, string, string];
    const ok = createVerify("RSA-SHA256").update(`${head}.${payload}`).verify(createPublicKey(sa.private_key), Buffer.from(sig, "base64url"));
    expect(ok).toBe(true);
  });

  it("answers 401 with no token, a bad token, or another user's id", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    await h.call("POST", "/user/sign-up", signUpBody({ email: "b@gmail.com", phoneNumber: "081234567890" }));
    const token = await h.phoneLogin001(PHONE);
    const id = (await h.userIdByPhone(PHONE))!;
    const other = (await h.userIdByPhone("+6281234567890"))!;
    expect001(await h.call("GET", `/3p/token?userId=${id}`), 401, UNAUTHORIZED);
    expect001(await h.call("GET", `/3p/token?userId=${id}`, undefined, { token: "b3912854-5bc2-46a8-b57a-8828daf395f6" }), 401, UNAUTHORIZED);
    expect001(await h.call("GET", `/3p/token?userId=${other}`, undefined, { token }), 401, UNAUTHORIZED);
    expect001(await h.call("GET", `/3p/token?userId=999999`, undefined, { token }), 401, UNAUTHORIZED);
    expect001(await h.call("GET", `/3p/token`, undefined, { token }), 401, UNAUTHORIZED);
  });

  it("answers 404 'Not found: Cannot found user with id {id}' for an unknown id asked by an admin; admins may ask for anyone", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", signUpBody());
    await h.call("POST", "/user/sign-up", signUpBody({ email: "b@gmail.com", phoneNumber: "081234567890" }));
    const token = await h.phoneLogin001(PHONE);
    await h.makeAdmin((await h.userIdByPhone(PHONE))!);
    expect001(await h.call("GET", `/3p/token?userId=999999`, undefined, { token }), 404, "Not found: Cannot found user with id 999999");
    const other = (await h.userIdByPhone("+6281234567890"))!;
    const res = await h.call("GET", `/3p/token?userId=${other}`, undefined, { token });
    expect001(res, 200);
    expect(jwtPayload(res.body.value).uid).toBe(String(other));
  });
});
