/**
 * Family 002 (seeds/002_*.txt): email + password, Indonesian messages word for word.
 * Success `{message, token?}`, errors `{error}`. docs/contracts.md, "Family 002".
 */
import { describe, expect, it } from "vitest";
import {
  advance,
  expect001,
  expect002,
  expect004,
  expectRetryAfter,
  fakeDate,
  jwtPayload,
  MINUTE,
  PASS,
  PASS2,
  PIN,
  realTimersAfterEach,
  resetLinkTokenIn,
  restSetup,
  type RestHarness,
} from "./test-helpers";

realTimersAfterEach();

const EMAIL = "siti@example.com";
const MSG = {
  register: "Akun Sudah Berhasil Teregistrasi, Harap Untuk Memverfikasi Akun Anda",
  sendOtp: "Harap Untuk Cek Email Anda Untuk Token Verifikasi",
  verify: "berhasil menverifikasi akun",
  login: "berhasil login",
  forgot: "harap cek email untuk mengganti password",
  update: "berhasil mengubah password",
};

/** Our wordings of the two password refusals (the document shows only `{error}`). */
const PASSWORD_LENGTH = "Password harus 6 sampai 20 karakter";
const COMMON_PASSWORD = "Password terlalu umum, pilih password lain";
/** 6 characters, not in the blocklist: under the service's own policy (8+) it is too short. */
const SIX = "xK9#mQ";

const register = (h: RestHarness, over: Record<string, unknown> = {}) =>
  h.call("POST", "/auth/register", { email: EMAIL, password: PASS, fullname: "Siti Nurhaliza", ...over });

/** The reset link's token from the newest reset email. */
const resetToken = async (h: RestHarness, email = EMAIL) => resetLinkTokenIn(await h.auth.listOutbox(email));

describe("family 002 POST /auth/register", () => {
  it(`answers 200 {message: "${MSG.register}"} and sends nothing yet`, async () => {
    const h = restSetup();
    const res = await register(h);
    expect002(res, 200, MSG.register);
    expect(res.body).toEqual({ message: MSG.register });
    expect((await h.auth.listOutbox())).toHaveLength(0);
    expect((await h.userCount())).toBe(1);
  });

  it("answers 400 {error} for the documented validation: email format, password 6 to 20, fullname 4 to 28", async () => {
    const h = restSetup();
    for (const over of [
      { email: "not-an-email" },
      { password: "12345" },
      { password: "x".repeat(21) },
      { fullname: "abc" },
      { fullname: "x".repeat(29) },
      { email: undefined },
      { password: 12345678 },
    ]) {
      expect002(await register(h, over), 400);
    }
    expect((await h.userCount())).toBe(0);
  });

  it("keeps the document's password bounds: 6 accepted, 5 and 21 refused with one 400 message", async () => {
    const h = restSetup();
    for (const password of ["x".repeat(5), "🔑".repeat(5), "xK9#mQ2v".repeat(2) + "abcde", ""]) {
      expect002(await register(h, { password }), 400, PASSWORD_LENGTH);
    }
    expect((await h.userCount())).toBe(0);
    expect002(await register(h), 200, MSG.register);
    expect002(await register(h, { email: "six@example.com", password: SIX }), 200, MSG.register);
    expect002(await register(h, { email: "twenty@example.com", password: "xK9#mQ2v".repeat(2) + "abcd" }), 200, MSG.register);
    expect((await h.userCount())).toBe(3);
  });

  it("a 6-character password registered here signs in through family 002 and family 003", async () => {
    const h = restSetup();
    await h.emailUser002(EMAIL, SIX);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: SIX }), 200, MSG.login);
    expect((await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: SIX })).status).toBe(200);
  });

  it("answers 400 for a common password within the bounds (core's blocklist still applies)", async () => {
    const h = restSetup();
    for (const password of ["123456", "qwerty", "abc123", "Password1", "password123", "1234567890"]) {
      expect002(await register(h, { password }), 400, COMMON_PASSWORD);
    }
    expect((await h.userCount())).toBe(0);
  });

  it("ignores length bounds smuggled into the body: the route's own are the only ones", async () => {
    const h = restSetup();
    const res = await register(h, { password: "abc", passwordBounds: { minLength: 1, maxLength: 1024 } });
    expect002(res, 400, PASSWORD_LENGTH);
    expect((await h.userCount())).toBe(0);
  });

  it("answers 409 {error} when the email is taken, in any case", async () => {
    const h = restSetup();
    expect002(await register(h), 200);
    expect002(await register(h, { email: "SITI@Example.com" }), 409);
  });
});

describe("family 002 POST /auth/send-otp", () => {
  it(`answers 200 {message: "${MSG.sendOtp}"} and emails a 6-digit code`, async () => {
    const h = restSetup();
    await register(h);
    const res = await h.call("POST", "/auth/send-otp", { email: EMAIL });
    expect002(res, 200, MSG.sendOtp);
    expect(res.body).toEqual({ message: MSG.sendOtp });
    const mail = (await h.auth.listOutbox(EMAIL));
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ channel: "email", purpose: "verify_email" });
    expect(mail[0]!.code).toMatch(/^\d{6}$/);
    expect(res.text).not.toContain(mail[0]!.code!);
  });

  it("answers unknown and already verified emails the same 200 and sends nothing", async () => {
    const h = restSetup();
    expect(await h.call("POST", "/auth/send-otp", { email: "nobody@example.com" })).toMatchObject({ status: 200, body: { message: MSG.sendOtp } });
    expect((await h.auth.listOutbox())).toHaveLength(0);
    await h.emailUser002(EMAIL);
    const sent = (await h.auth.listOutbox(EMAIL)).length;
    fakeDate();
    advance(2 * MINUTE);
    expect(await h.call("POST", "/auth/send-otp", { email: EMAIL })).toMatchObject({ status: 200, body: { message: MSG.sendOtp } });
    expect((await h.auth.listOutbox(EMAIL))).toHaveLength(sent);
  });

  it("answers 429 {error} with Retry-After inside the cooldown", async () => {
    const h = restSetup();
    await register(h);
    expect002(await h.call("POST", "/auth/send-otp", { email: EMAIL }), 200);
    const res = await h.call("POST", "/auth/send-otp", { email: EMAIL });
    expect002(res, 429);
    expectRetryAfter(res);
  });
});

describe("family 002 POST /auth/otp-verify", () => {
  it(`answers 200 {message: "${MSG.verify}", token}; the email is verified; the JWT carries _id, username, roles`, async () => {
    const h = restSetup();
    await register(h);
    await h.call("POST", "/auth/send-otp", { email: EMAIL });
    const res = await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: (await h.code(EMAIL)) });
    expect002(res, 200, MSG.verify);
    expect(Object.keys(res.body).sort()).toEqual(["message", "token"]);
    const claims = jwtPayload(res.body.token);
    const me = await h.me(res.body.token);
    expect(me.status, me.text).toBe(200);
    const user = me.body.result.data;
    expect(user.emailVerified).toBe(true);
    expect(claims._id).toBe(String(user.id));
    expect(typeof claims.username).toBe("string");
    expect([EMAIL, user.username]).toContain(claims.username);
    expect(claims.roles).toBe("user");
    expect(claims.sub).toBe(String(user.id));
  });

  it("takes otp_number as a JSON number: 12345 means code 012345", async () => {
    const h = restSetup({ newCode: () => "012345" });
    await register(h);
    await h.call("POST", "/auth/send-otp", { email: EMAIL });
    expect((await h.code(EMAIL))).toBe("012345");
    expect002(await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: 12345 }), 200, MSG.verify);
  });

  it("reads a 5-digit JSON number as a code (a wrong one here), not as a malformed request", async () => {
    const h = restSetup({ newCode: () => "543210" });
    await register(h);
    await h.call("POST", "/auth/send-otp", { email: EMAIL });
    const five = await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: 12345 });
    const wrong = await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: "000001" });
    expect002(five, 400, wrong.body.error);
    expect002(await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: 543210 }), 200, MSG.verify);
  });

  it("answers 400 {error} for a wrong code and for an expired one", async () => {
    fakeDate();
    const h = restSetup();
    await register(h);
    await h.call("POST", "/auth/send-otp", { email: EMAIL });
    const code = (await h.code(EMAIL));
    expect002(await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: code === "000000" ? "111111" : "000000" }), 400);
    advance(5 * MINUTE + 1000);
    expect002(await h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number: code }), 400);
    // still not verified
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 403);
  });
});

describe("family 002 POST /auth/login", () => {
  it.each(["ES256", "EdDSA"] as const)("keeps its token's documented claims with %s tokens, the kid of a published key in the header, and the token works", async (tokenAlg) => {
    // First the HS256 token the document describes (one service at a time: on PostgreSQL each empties the test's database).
    const hmac = restSetup();
    await hmac.emailUser002(EMAIL);
    const before = await hmac.call("POST", "/auth/login", { email: EMAIL, password: PASS });
    const h = restSetup({ options: { tokenAlg } });
    await h.emailUser002(EMAIL);
    const res = await h.call("POST", "/auth/login", { email: EMAIL, password: PASS });
    expect002(res, 200, MSG.login);
    const header = JSON.parse(Buffer.from(String(res.body.token).split(".")[0]!, "base64url").toString()) as Record<string, string>;
    expect(header).toEqual({ alg: tokenAlg, typ: "at+jwt", kid: expect.any(String) });
    expect((await h.auth.keys.jwks()).keys.map((k) => k.kid)).toContain(header.kid);
    // The same claims, by name and type, as the HS256 token the document describes.
    const claims = jwtPayload(res.body.token);
    const typesOf = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v]));
    expect(typesOf(claims)).toEqual(typesOf(jwtPayload(before.body.token)));
    expect(claims).toMatchObject({ username: EMAIL, roles: "user", _id: claims.sub });
    expect((await h.auth.authenticate(res.body.token)).user.email).toBe(EMAIL);
  });


  it(`answers 200 {message: "${MSG.login}", token} with _id, username and roles in the JWT`, async () => {
    const h = restSetup();
    await h.emailUser002(EMAIL);
    const res = await h.call("POST", "/auth/login", { email: EMAIL, password: PASS });
    expect002(res, 200, MSG.login);
    expect(Object.keys(res.body).sort()).toEqual(["message", "token"]);
    const claims = jwtPayload(res.body.token);
    expect(claims).toMatchObject({ username: EMAIL, roles: "user" });
    expect(typeof claims._id).toBe("string");
    expect(claims._id).toBe(claims.sub);
  });

  it("a renewal keeps _id, username and roles, read again from the user; tokens of the other families carry none of them", async () => {
    const h = restSetup();
    await h.emailUser002(EMAIL);
    const login = await h.call("POST", "/auth/login", { email: EMAIL, password: PASS });
    const id = Number(jwtPayload(login.body.token).sub);
    await h.makeAdmin(id);
    const renewed = await h.mutate("auth.renew", { accessToken: login.body.token });
    expect(renewed.status, renewed.text).toBe(200);
    expect(jwtPayload(renewed.body.result.data.accessToken)).toMatchObject({ _id: String(id), username: EMAIL, roles: "admin", role: "user" });

    const u = await h.userWithPin({ username: "budi", email: "budi@example.com" });
    const mobile = await h.phoneLogin000("0881829915");
    const pinLogin = await h.call("POST", "/v1/auth/login", { username: "budi", mpin: PIN });
    const mobileRenewed = await h.call("PATCH", `/api/v1/authorization/${mobile.id}/`, { mobile_number: "0881829915", access_token: mobile.token });
    for (const token of [u.token, mobile.token, pinLogin.body.data.token, mobileRenewed.body.payload.data[0].access_token]) {
      const claims = jwtPayload(token);
      expect(claims.sub).toMatch(/^\d+$/);
      for (const claim of ["_id", "username", "roles", "cpr"]) expect(claims).not.toHaveProperty(claim);
    }
  });

  it("takes whatever password the account has, past the document's 20 (set through another door)", async () => {
    const h = restSetup();
    const long = "a long passphrase of thirty-five ch";
    expect(long.length).toBeGreaterThan(20);
    await h.verifiedUser({ username: "siti", email: EMAIL, password: long });
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: long }), 200, MSG.login);
  });

  it("answers 401 with one message for a wrong email or a wrong password", async () => {
    const h = restSetup();
    await h.emailUser002(EMAIL);
    const wrongPass = await h.call("POST", "/auth/login", { email: EMAIL, password: PASS2 });
    const wrongEmail = await h.call("POST", "/auth/login", { email: "nobody@example.com", password: PASS });
    expect002(wrongPass, 401);
    expect002(wrongEmail, 401, wrongPass.body.error);
  });

  it("answers 403 while the email is not verified (and 401, not 403, for a wrong password then)", async () => {
    const h = restSetup();
    await register(h);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 403);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS2 }), 401);
  });
});

describe("family 002 POST /auth/send-forgot-password", () => {
  it(`answers 200 {message: "${MSG.forgot}"} and emails a /reset-password?token=... link and a code`, async () => {
    const h = restSetup();
    await h.emailUser002(EMAIL);
    const res = await h.call("POST", "/auth/send-forgot-password", { email: EMAIL });
    expect002(res, 200, MSG.forgot);
    expect(res.body).toEqual({ message: MSG.forgot });
    const mail = (await h.auth.listOutbox(EMAIL))[0]!;
    expect(mail).toMatchObject({ channel: "email", purpose: "password_reset" });
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.text).toContain(mail.code!);
    expect(mail.text).toMatch(/\/reset-password\?token=\S+/);
    expect(res.text).not.toContain((await resetToken(h)));
  });

  it("answers an unknown email the same 200 and sends nothing", async () => {
    const h = restSetup();
    const res = await h.call("POST", "/auth/send-forgot-password", { email: "nobody@example.com" });
    expect002(res, 200, MSG.forgot);
    expect((await h.auth.listOutbox())).toHaveLength(0);
  });
});

describe("family 002 PATCH /auth/update-password", () => {
  it(`answers 200 {message: "${MSG.update}"} with an access token; other sessions are revoked, this one lives`, async () => {
    const h = restSetup();
    const first = await h.emailUser002(EMAIL);
    const other = (await h.call("POST", "/auth/login", { email: EMAIL, password: PASS })).body.token as string;
    const res = await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: first });
    expect002(res, 200, MSG.update);
    expect(res.body).toEqual({ message: MSG.update });
    expect((await h.me(other)).status).toBe(401);
    expect((await h.me(first)).status).toBe(200);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 401);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS2 }), 200, MSG.login);
  });

  it("answers 401 {error} with no token or a bad one", async () => {
    const h = restSetup();
    const token = await h.emailUser002(EMAIL);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }), 401);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: "garbage" }), 401);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: token.slice(0, -3) + "abc" }), 401);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { headers: { authorization: `Basic ${token}` } }), 401);
  });

  it("answers 400 {error} for a new password outside 6 to 20, or missing", async () => {
    const h = restSetup();
    const token = await h.emailUser002(EMAIL);
    for (const body of [{ new_password: "12345" }, { new_password: "x".repeat(21) }, { new_password: "" }, {}, { new_password: 12345678 }]) {
      expect002(await h.call("PATCH", "/auth/update-password", body, { token }), 400, PASSWORD_LENGTH);
    }
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 200);
  });

  it("accepts a 6-character new password (the document's minimum), which then signs in", async () => {
    const h = restSetup();
    const token = await h.emailUser002(EMAIL);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: SIX }, { token }), 200, MSG.update);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 401);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: SIX }), 200, MSG.login);
  });

  it("answers 400 for a common new password within the bounds, and keeps the old one", async () => {
    const h = restSetup();
    const token = await h.emailUser002(EMAIL);
    for (const new_password of ["123456", "qwerty", "password123"]) {
      expect002(await h.call("PATCH", "/auth/update-password", { new_password }, { token }), 400, COMMON_PASSWORD);
    }
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 200);
  });
});

describe("family 002 reset link token", () => {
  it("works once with PATCH /auth/update-password (second use 401) and signs out every session", async () => {
    const h = restSetup();
    const session = await h.emailUser002(EMAIL);
    await h.call("POST", "/auth/send-forgot-password", { email: EMAIL });
    const link = (await resetToken(h));
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: link }), 200, MSG.update);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: "Nasi-Goreng-Pedas-9" }, { token: link }), 401);
    expect((await h.me(session)).status).toBe(401);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS2 }), 200);
  });

  it("a refused attempt (too short, common, malformed) does not use the link up", async () => {
    const h = restSetup();
    await h.emailUser002(EMAIL);
    await h.call("POST", "/auth/send-forgot-password", { email: EMAIL });
    const link = (await resetToken(h));
    for (const body of [{ new_password: "abc12" }, { new_password: "password123" }, { new_password: "qwerty" }, { new_password: "x".repeat(21) }, {}]) {
      expect002(await h.call("PATCH", "/auth/update-password", body, { token: link }), 400);
    }
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: link }), 200, MSG.update);
  });

  it("still works after 29 minutes", async () => {
    fakeDate();
    const h = restSetup();
    await h.emailUser002(EMAIL);
    await h.call("POST", "/auth/send-forgot-password", { email: EMAIL });
    const link = (await resetToken(h));
    advance(29 * MINUTE);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: link }), 200, MSG.update);
  });

  it("expires after 30 minutes (401)", async () => {
    fakeDate();
    const h = restSetup();
    await h.emailUser002(EMAIL);
    await h.call("POST", "/auth/send-forgot-password", { email: EMAIL });
    const link = (await resetToken(h));
    advance(30 * MINUTE + 1000);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: link }), 401);
    expect002(await h.call("POST", "/auth/login", { email: EMAIL, password: PASS }), 200);
  });

  it("is refused by every other protected route (004 relogin, 001 /3p/token, tRPC user.me and pin.set), and stays good for its own", async () => {
    const h = restSetup();
    const session = await h.emailUser002(EMAIL);
    const set = await h.mutate("pin.set", { pin: PIN }, { token: session });
    expect(set.status, set.text).toBe(200);
    const id = (await h.me(session)).body.result.data.id as number;
    await h.call("POST", "/auth/send-forgot-password", { email: EMAIL });
    const link = (await resetToken(h));

    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: link }), 401);
    expect001(await h.call("GET", `/3p/token?userId=${id}`, undefined, { token: link }), 401);
    const me = await h.me(link);
    expect(me.status, me.text).toBe(401);
    const pin = await h.mutate("pin.set", { pin: "246813" }, { token: link });
    expect(pin.status, pin.text).toBe(401);

    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: link }), 200, MSG.update);
  });
});
