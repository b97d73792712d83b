/**
 * The five documented REST families (docs/seeds/*.txt, rules in docs/contracts.md), end
 * to end against the production bundle on each engine with a fresh database: one server on
 * SQLite (AUTH_SECRET unset), one on PostgreSQL and two on one PostgreSQL database behind a
 * balancer (skipped without a server; AUTH_SECRET set as it must be). Every request is plain
 * HTTP, as a client written against the seed document would send it, and every code is read from the dev outbox over HTTP
 * (`GET /api/dev/outbox?to=`), never from the database.
 *
 * The tests run in file order and share the server: each family uses its own phone
 * numbers and emails so per-destination limits never meet. The cross-family test comes
 * last and reuses family 000's person.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  expect000,
  expect001,
  expect002,
  expect003,
  expect004,
  expectCleanJson,
  expectRetryAfter,
  jwtHeader,
  jwtPayload,
  PASS,
  PASS2,
  type Wire,
} from "@authsvc/api/testing";
import type { OutboxView } from "@authsvc/core";
import { callAs, serverEngines, serviceForBlock } from "./support/server";

// ---------------------------------------------------------------- wire helpers

let base = "";

/** A REST call as a client developer writes it: JSON in, JSON out, optional bearer token. */
const call = (method: string, route: string, body?: unknown, token?: string): Promise<Wire> => callAs(base, method, route, body, token);

/** tRPC with plain JSON (no transformer): mutations are POST with the input as the body. */
async function trpcMutation(name: string, input: unknown, token?: string): Promise<Wire> {
  return call("POST", `/api/trpc/${name}`, input, token);
}

/** tRPC queries are GET with `?input=<url-encoded JSON>` (none here needs input). */
async function trpcQuery(name: string, token?: string, input?: unknown): Promise<Wire> {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return call("GET", `/api/trpc/${name}${qs}`, undefined, token);
}

/** tRPC's answer data, after checking the status. */
function trpcData(res: Wire, label: string) {
  expect(res.status, `${label}: ${res.text}`).toBe(200);
  const data = res.body?.result?.data;
  expect(data, `${label}: ${res.text}`).toBeDefined();
  return data;
}

async function me(token: string): Promise<Wire> {
  return trpcQuery("user.me", token);
}

/** What the dev outbox holds for a destination, newest first. */
async function outbox(to: string): Promise<OutboxView[]> {
  const res = await call("GET", `/api/dev/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status, res.text).toBe(200);
  expect(Array.isArray(res.body?.messages), res.text).toBe(true);
  return res.body.messages as OutboxView[];
}

/** The newest message to `to`, and its 6-digit code. */
async function newestCode(to: string): Promise<{ code: string; message: OutboxView; count: number }> {
  const messages = await outbox(to);
  const message = messages[0];
  expect(message, `a message to ${to}`).toBeDefined();
  expect(message!.code, `a code in ${JSON.stringify(message)}`).toMatch(/^\d{6}$/);
  return { code: message!.code!, message: message!, count: messages.length };
}

const nowSec = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------- people (distinct per family)


const P000 = { mobile: "0881829915", e164: "+62881829915" };
const P001 = { name: "Syntia", email: "syntia@gmail.com", phoneNumber: "+6281990333364", birthDate: "2020-03-28" };
const P002 = { email: "siti.nurhaliza@example.com", fullname: "Siti Nurhaliza" };
const P003 = {
  username: "johndoe",
  email: "johndoe@gmail.com",
  phone: "+998 90 123 45 67",
  password: PASS,
  fullname: "John Doe",
  profile_picture: "your picture",
  bio: "Detailed biography of yourself",
  birthday: "10.01.1996",
};
const P003b = { ...P003, username: "janedoe", email: "janedoe@gmail.com", phone: "+998 90 765 43 21", fullname: "Jane Doe" };
const P004 = { email: "budi.santoso@example.com", username: "budi", fullName: "Budi Santoso", pin: "480215", wrongPin: "480216" };

/** Family 000's user id, for the cross-family test. */
let id000: string | undefined;

// ---------------------------------------------------------------- the server

describe.each(serverEngines)("REST families end to end (dist/server.mjs over HTTP) on %s", (engine) => {
  // The file's people and codes are per server: each engine's run starts again from an empty database
  // (AUTH_SECRET unset on SQLite, so one is generated there). Family 003's document shows Uzbek
  // numbers: its clients run with Uzbekistan among the SMS countries.
  const block = serviceForBlock(engine, "rest", { AUTH_SMS_COUNTRIES: "ID,UZ" });
  if (!block) return;
  beforeAll(() => {
    base = block.service().base;
  });

  it("000: find or create by mobile number, resend inside the cooldown, log in, renew, reuse revokes", async () => {
    // [1] find or create
    const created = await call("POST", "/api/v1/authentication/", { mobile_number: P000.mobile });
    const [auth] = expect000(created, 201, "Create new authentication successfully").data;
    expect(Object.keys(auth!).sort()).toEqual(["expired", "id", "mobile"]);
    expect(auth!.id).toMatch(/^\d+$/);
    expect(auth!.mobile).toBe(P000.mobile);
    // `expired` is the code's expiry in epoch milliseconds (5 minutes ahead)
    expect(Number.isInteger(auth!.expired)).toBe(true);
    expect(auth!.expired as number).toBeGreaterThan(Date.now());
    expect(auth!.expired as number).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
    const id = auth!.id as string;
    id000 = id;

    const { code, message } = await newestCode(P000.mobile);
    expect(message.channel).toBe("sms");
    expect(message.to).toBe(P000.e164);

    // [2] resend inside the cooldown: 429 in the envelope, with Retry-After
    const resend = await call("PATCH", `/api/v1/authentication/${id}/`, { mobile_number: P000.mobile });
    expect000(resend, 429);
    expectRetryAfter(resend, 60);
    expect((await outbox(P000.mobile)).length, "nothing new was sent").toBe(1);

    // [3] log in with the code and the role
    const login = await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: P000.mobile, otp_code: code, role: "customer" });
    const [session] = expect000(login, 200, "Login successfully").data;
    expect(Object.keys(session!).sort()).toEqual(["access_token", "id"]);
    expect(session!.id).toBe(id);
    const first = session!.access_token as string;
    const claims = jwtPayload(first);
    expect(claims.sub).toBe(id);
    expect(claims.role).toBe("customer");
    expect(typeof claims.iat).toBe("number");
    expect(typeof claims.exp).toBe("number");
    expect(Math.abs((claims.iat as number) - nowSec())).toBeLessThan(60);
    expect(claims.exp as number).toBeGreaterThan(claims.iat as number);

    // [4] renew: a new token for the same user
    const renewed = await call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: P000.mobile, access_token: first });
    const [fresh] = expect000(renewed, 200, "Verify authorization successfully").data;
    expect(fresh!.id).toBe(id);
    const second = fresh!.access_token as string;
    expect(second).not.toBe(first);
    expect(jwtPayload(second).sub).toBe(id);
    expect(jwtPayload(second).role).toBe("customer");

    // the old token cannot renew again, and its coming back revokes the session
    const reused = await call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: P000.mobile, access_token: first });
    expect000(reused, 401);
    const dead = await call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: P000.mobile, access_token: second });
    expect000(dead, 401);
    expect((await me(second)).status, "the renewed token is dead on tRPC too").toBe(401);
  });

  it("001: sign up, get the verification code, log in with it, get a Firebase token; GET /login stays the web page", async () => {
    const signUp = await call("POST", "/user/sign-up", P001);
    expect001(signUp, 200);
    expect(Object.keys(signUp.body).sort()).toEqual(["errorCode", "errorMessage", "success", "timestamp"]);

    const verify = await call("POST", "/verify-phone", { phoneNumber: P001.phoneNumber });
    const { content } = expect001(verify, 200);
    const { code, message } = await newestCode(P001.phoneNumber);
    expect(message.channel).toBe("sms");
    // the dev outbox is on, so the code is in the answer too
    expect(content.verificationCode).toBe(code);
    expect(Number.isInteger(content.expiresIn)).toBe(true);
    expect(content.expiresIn).toBeGreaterThan(0);
    expect(content.expiresIn).toBeLessThanOrEqual(300);

    const login = await call("POST", "/login", { phoneNumber: P001.phoneNumber, verificationCode: code });
    const body = expect001(login, 200);
    expect(Object.keys(body.content).sort()).toEqual(["accessToken", "expiresIn", "scope", "tokenType"]);
    const token = body.content.accessToken as string;
    expect(typeof token).toBe("string");
    expect(token.split(".").length, "opaque, not a JWT").not.toBe(3);
    expect(body.content.tokenType).toBe("bearer");
    expect(body.content.scope).toBe("read write trust");
    expect(Number.isInteger(body.content.expiresIn)).toBe(true);
    expect(body.content.expiresIn).toBeGreaterThan(0);

    // the client learns its id from the typed API (any family's token works there)
    const user = trpcData(await me(token), "user.me");
    expect(user.phone).toBe(P001.phoneNumber);
    expect(user.email).toBe(P001.email);

    const fb = await call("GET", `/3p/token?userId=${user.id}`, undefined, token);
    const fbBody = expect001(fb, 200);
    const value = fbBody.value as string;
    expect(jwtHeader(value).alg).toBe("RS256");
    const fbClaims = jwtPayload(value);
    expect(fbClaims.aud).toBe("https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit");
    expect(fbClaims.uid).toBe(String(user.id));
    expect(typeof fbClaims.iss).toBe("string");
    expect(fbClaims.sub).toBe(fbClaims.iss);
    expect((fbClaims.exp as number) - (fbClaims.iat as number)).toBeLessThanOrEqual(3600);

    // GET /login is the web page, POST /login the REST route
    const page = await fetch(`${base}/login`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toMatch(/<html/i);
  });

  it("002: register, email OTP, log in, forgot password by link, update the password with the link once", async () => {
    const { email, fullname } = P002;
    expect002(await call("POST", "/auth/register", { email, password: PASS, fullname }), 200, "Akun Sudah Berhasil Teregistrasi, Harap Untuk Memverfikasi Akun Anda");
    expect(await outbox(email), "register sends nothing yet").toEqual([]);

    expect002(await call("POST", "/auth/send-otp", { email }), 200, "Harap Untuk Cek Email Anda Untuk Token Verifikasi");
    const { code, message } = await newestCode(email);
    expect(message.channel).toBe("email");
    // the document types otp_number as a number; a code with a leading zero cannot be one
    const otp_number = code.startsWith("0") ? code : Number(code);
    const verified = await call("POST", "/auth/otp-verify", { email, otp_number });
    const vBody = expect002(verified, 200, "berhasil menverifikasi akun");
    expect(typeof vBody.token).toBe("string");

    const login = await call("POST", "/auth/login", { email, password: PASS });
    const lBody = expect002(login, 200, "berhasil login");
    const token = lBody.token as string;
    const claims = jwtPayload(token);
    expect(claims).toHaveProperty("_id");
    expect(claims).toHaveProperty("username");
    expect(claims).toHaveProperty("roles");
    const user = trpcData(await me(token), "user.me");
    expect(String(claims._id)).toBe(String(user.id));

    expect002(await call("POST", "/auth/send-forgot-password", { email }), 200, "harap cek email untuk mengganti password");
    // Written after the answer (the same work before it as for an unknown email), and read here
    // perhaps through the other instance: wait for it.
    const reset = await vi.waitFor(async () => {
      const newest = (await outbox(email))[0]!;
      expect(newest.purpose).toBe("password_reset");
      return newest;
    });
    expect(reset.purpose).not.toBe(message.purpose);
    const link = /\/reset-password\?token=([^\s"'<>]+)/.exec(reset.text);
    expect(link, `a reset link in: ${reset.text}`).not.toBeNull();
    const linkToken = decodeURIComponent(link![1]!);

    const updated = await call("PATCH", "/auth/update-password", { new_password: PASS2 }, linkToken);
    expect002(updated, 200, "berhasil mengubah password");

    expect002(await call("POST", "/auth/login", { email, password: PASS }), 401);
    expect002(await call("POST", "/auth/login", { email, password: PASS2 }), 200, "berhasil login");
    // a reset link signs out every session
    expect((await me(token)).status, "the session from before the reset is revoked").toBe(401);
    // the link is good once
    expect002(await call("PATCH", "/auth/update-password", { new_password: "Es-Jeruk-Segar-19" }, linkToken), 401);
    expect002(await call("POST", "/auth/login", { email, password: PASS2 }), 200, "berhasil login");
  });

  it("003: register, status pending, resend inside the cooldown is 429, verify by id, status verified, log in", async () => {
    const reg = await call("POST", "/api/v1/auth/register", P003);
    const pending = expect003(reg, 200, "Verification code sent to your email");
    expect(Object.keys(pending).sort()).toEqual(["email", "message", "timeOut", "verificationId"]);
    expect(pending.email).toBe(P003.email);
    expect(pending.timeOut).toBe(300);
    expect(typeof pending.verificationId).toBe("string");
    const verificationId = pending.verificationId as string;

    const status = await call("GET", `/api/v1/auth/status?id=${encodeURIComponent(verificationId)}`);
    const s = expect003(status, 200, "Verification code sent to email");
    expect(s.email).toBe(P003.email);
    expect(Number.isInteger(s.timeOut)).toBe(true);
    expect(s.timeOut).toBeGreaterThan(0);
    expect(s.timeOut).toBeLessThanOrEqual(300);

    // resend inside the cooldown, on a second registration so this one's code stays the only one
    expect003(await call("POST", "/api/v1/auth/register", P003b), 200, "Verification code sent to your email");
    const early = await call("POST", "/api/v1/auth/resend", { email: P003b.email });
    expect003(early, 429);
    expectRetryAfter(early, 60);
    expect((await outbox(P003b.email)).length, "nothing new was sent").toBe(1);

    const { code } = await newestCode(P003.email);
    const verify = await call("POST", "/api/v1/auth/verify", { code, verificationId });
    const v = expect003(verify, 200, "Successfuly registered");
    expect(typeof v.token).toBe("string");
    expect(typeof v.user.id).toBe("number");
    expect(Number.isInteger(v.user.id)).toBe(true);
    expect(v.user.email).toBe(P003.email);
    expect(v.user.fullname).toBe(P003.fullname);
    expect(v.user.birthday).toBe(P003.birthday);
    for (const key of Object.keys(v.user)) {
      expect(key, "no secret in user").not.toMatch(/pass|hash|secret|pin|token|otp|code/i);
    }
    expect(JSON.stringify(v.user)).not.toContain(PASS);

    const after = await call("GET", `/api/v1/auth/status?id=${encodeURIComponent(verificationId)}`);
    expect(expect003(after, 200, "Email successfuly verified")).toEqual({ message: "Email successfuly verified", email: P003.email });

    const login = await call("POST", "/api/v1/auth/login", { email: P003.email, password: P003.password });
    const l = expect003(login, 200, "Successfuly login");
    expect(l.user.id).toBe(v.user.id);
    expect(l.user.username).toBe(P003.username);
    expect(typeof l.token).toBe("string");
  });

  it("004: a user with a PIN logs in by MPIN, re-logs in, resets the password by code", async () => {
    // sign up through tRPC, then set the PIN on that fresh sign-in
    const reg = trpcData(
      await trpcMutation("auth.register", { email: P004.email, password: PASS, fullName: P004.fullName, username: P004.username }),
      "auth.register",
    );
    const { code: signupCode } = await newestCode(P004.email);
    const signedIn = trpcData(await trpcMutation("auth.verifyRegistration", { verificationId: reg.verificationId, code: signupCode }), "auth.verifyRegistration");
    const accessToken = signedIn.accessToken as string;
    expect(typeof accessToken).toBe("string");
    trpcData(await trpcMutation("pin.set", { pin: P004.pin }, accessToken), "pin.set");

    const user = trpcData(await me(accessToken), "user.me");
    expect(user.username).toBe(P004.username);
    expect(user.customerId).toBeDefined();
    expect(user.accountNumber).toBeDefined();

    // login
    const login = await call("POST", "/v1/auth/login", { username: P004.username, mpin: P004.pin });
    const l = expect004(login, 200, "Login success");
    expect(Object.keys(l.data).sort()).toEqual(["token", "userDetails"]);
    expect(l.data.userDetails).toEqual({ username: P004.username, status: "ACTIVE" });
    const token = l.data.token as string;
    expect(token.split(".")).toHaveLength(3);

    // relogin: wrong PIN, then the right one
    expect004(await call("POST", "/v1/auth/relogin", { mpin: P004.wrongPin }, token), 400, "Pin is invalid");
    const relogin = expect004(await call("POST", "/v1/auth/relogin", { mpin: P004.pin }, token), 200, "Login success");
    expect(relogin.data).toEqual({ userDetails: { username: P004.username, status: "ACTIVE" } });

    // forgot password: customer number, account number and PIN name the user
    const before = (await outbox(P004.email)).length;
    const forgot = await call("POST", "/v1/auth/forgot-password", { idCustomers: user.customerId, accountNumber: user.accountNumber, mpin: P004.pin });
    expect004(forgot, 200, "Password reset instructions sent to your email");
    expect(forgot.body).toEqual({ status: "success", message: "Password reset instructions sent to your email" });
    const { code: resetCode, count } = await newestCode(P004.email);
    expect(count).toBe(before + 1);

    const setup = await call("POST", "/v1/auth/setup-new-password", { username: P004.username, newPassword: PASS2, otpCode: resetCode });
    expect004(setup, 200, "Password successfully updated");
    expect(setup.body).toEqual({ status: "success", message: "Password successfully updated" });

    // the new password works on the typed API, the old one does not
    expect((await trpcMutation("auth.loginWithPassword", { identifier: P004.username, password: PASS })).status).toBe(401);
    const again = trpcData(await trpcMutation("auth.loginWithPassword", { identifier: P004.username, password: PASS2 }), "auth.loginWithPassword");
    expect(typeof again.accessToken).toBe("string");
    expect(again.user.id).toBe(user.id);
  });

  it("cross-family: 000's phone user logs in through 001 as the same user; a 000 token works on tRPC", async () => {
    expect(id000, "family 000's test ran first").toBeDefined();
    const id = id000!;

    // 001's door, with the number written the way 001's document writes numbers
    const verify = await call("POST", "/verify-phone", { phoneNumber: P000.e164 });
    const { content } = expect001(verify, 200);
    const { code } = await newestCode(P000.e164);
    expect(content.verificationCode).toBe(code);
    const login = await call("POST", "/login", { phoneNumber: P000.e164, verificationCode: code });
    const bearer = expect001(login, 200).content.accessToken as string;
    const fb = await call("GET", `/3p/token?userId=${id}`, undefined, bearer);
    expect(jwtPayload(expect001(fb, 200).value as string).uid).toBe(id);

    // 000's door again: the same id, and its token is accepted by the typed API
    const created = await call("POST", "/api/v1/authentication/", { mobile_number: P000.mobile });
    const [auth] = expect000(created, 201, "Create new authentication successfully").data;
    expect(auth!.id).toBe(id);
    const { code: code000 } = await newestCode(P000.mobile);
    const put = await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: P000.mobile, otp_code: code000, role: "customer" });
    const [session] = expect000(put, 200, "Login successfully").data;
    const user = trpcData(await me(session!.access_token as string), "user.me");
    expect(String(user.id)).toBe(id);
    expect(user.phone).toBe(P000.e164);
    expect(user.role).toBe("customer");
  });

  it("describes itself: GET /api/openapi.json is OpenAPI 3.1 of every documented route, GET /docs/api is a page", async () => {
    const res = await call("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expectCleanJson(res);
    expect(res.body.openapi).toBe("3.1.0");
    const documented: [string, string][] = [
      ["post", "/api/v1/authentication"],
      ["patch", "/api/v1/authentication/{id}"],
      ["put", "/api/v1/authentication/{id}"],
      ["patch", "/api/v1/authorization/{id}"],
      ["post", "/user/sign-up"],
      ["post", "/verify-phone"],
      ["post", "/login"],
      ["get", "/3p/token"],
      ["post", "/auth/register"],
      ["post", "/auth/send-otp"],
      ["post", "/auth/otp-verify"],
      ["post", "/auth/login"],
      ["post", "/auth/send-forgot-password"],
      ["patch", "/auth/update-password"],
      ["post", "/api/v1/auth/login"],
      ["post", "/api/v1/auth/register"],
      ["get", "/api/v1/auth/status"],
      ["post", "/api/v1/auth/resend"],
      ["post", "/api/v1/auth/verify"],
      ["post", "/v1/auth/login"],
      ["post", "/v1/auth/relogin"],
      ["post", "/v1/auth/forgot-password"],
      ["post", "/v1/auth/setup-new-password"],
    ];
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    for (const [method, p] of documented) {
      const pathItem = paths[p] ?? paths[`${p}/`];
      expect(pathItem?.[method], `${method.toUpperCase()} ${p} in openapi.json`).toBeDefined();
    }

    const docs = await fetch(`${base}/docs/api`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toContain("text/html");
  });
});
