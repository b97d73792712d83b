/**
 * No fuzzed input lets a request that should fail succeed. Real accounts (password, PIN,
 * phone, email) with live codes and links; every credential-bearing field of every
 * login-ish door gets anything but the right secret (near misses, well-formed wrong ones,
 * wrong types, huge and unicode strings). Never 2xx, never a token, no new session, nothing
 * sent. After each property the right secret still works, so no lockout hid the property.
 *
 * Limits and lockouts are raised for this file only (`rateLimitScale`, `code.maxAttempts`, `code.maxAttemptsPerCode`,
 * `pin.maxFailures`): with the defaults a code dies after 5 wrong tries and a PIN locks after
 * 10, and every later case would be refused for that reason rather than for its secret.
 */
import { fc, it } from "@fast-check/vitest";
import { beforeAll, describe, expect } from "vitest";
import { OTHER_PIN, PASS, PASS2, PIN, restSetup, type RestHarness, type Wire } from "./rest/test-helpers";
import type { FamilyId } from "./rest/test-helpers";
import { expectFamilyAnswer, expectNoToken, expectTrpcAnswer, params, passwordLike, roleWish, sixDigits, tokenNearMisses, wrongSecret } from "./test/fuzz";

let h: RestHarness;
beforeAll(() => {
  h = restSetup({ options: { rateLimitScale: 1000, code: { maxAttempts: 100_000, maxAttemptsPerCode: 100_000 }, pin: { maxFailures: 100_000 } } });
});

const count = async (table: string) => Number((await h.sql.get(`select count(*) as n from ${table}`))!.n);
const snapshot = async () => ({ sessions: await count("sessions"), tokens: await count("opaque_tokens"), outbox: await count("outbox") });

/** Refused: 4xx in the door's envelope, no token, no session or token made, nothing sent. */
async function expectRefused(door: FamilyId | "trpc", res: Wire, before: Awaited<ReturnType<typeof snapshot>>) {
  if (door === "trpc") expectTrpcAnswer(res);
  else expectFamilyAnswer(door, res);
  expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expectNoToken(res);
  expect(res.headers.getSetCookie().filter((c) => /^authsvc_session=[^;]/.test(c))).toEqual([]);
  expect(await snapshot()).toEqual(before);
}

interface Door {
  /** Which envelope the answers are in. */
  door: FamilyId | "trpc";
  /** The right secret, known once the account exists. */
  secret: () => string | Promise<string>;
  /** Sends the request with `value` in the credential field. */
  send: (value: unknown) => Promise<Wire>;
}

/** Anything but the secret in the credential field: never a success. Then the secret works. */
function fuzzCredential(title: string, door: () => Door, wellFormed: fc.Arbitrary<unknown>, control: (res: Wire) => void) {
  it.prop([fc.gen()], params())(`${title}: anything but the right secret is refused`, async (g) => {
    const d = door();
    const value = g(wrongSecret, await d.secret(), wellFormed);
    const before = await snapshot();
    await expectRefused(d.door, await d.send(value), before);
  });
  it(`${title}: the right secret still works after all that`, async () => {
    const d = door();
    const res = await d.send(await d.secret());
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    control(res);
  });
}

const trpc = (name: string, input: unknown, token?: string) => h.mutate(name, input, token ? { token } : {});
const hasJwt = (res: Wire) => expect(res.text).toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
const trpcToken = (res: Wire) => expect(res.body.result.data.accessToken).toEqual(expect.any(String));
const ok = () => undefined;

// ---------------------------------------------------------------- the accounts

const ANA = { username: "ana", email: "ana@example.com", phone: "0881829911" };
let ana: { id: number; token: string };
let anaIds: { customerId: string; accountNumber: string };

beforeAll(async () => {
  ana = await h.userWithPin({ username: ANA.username, email: ANA.email, pin: PIN });
  const me = await h.query("user.me", undefined, { token: ana.token });
  expect(me.status, me.text).toBe(200);
  anaIds = { customerId: String(me.body.result.data.customerId), accountNumber: String(me.body.result.data.accountNumber) };
});

// ---------------------------------------------------------------- family 000

describe("family 000 PUT /api/v1/authentication/{id}/ (otp_code)", () => {
  const MOBILE = "0881829920";
  let id: string;
  beforeAll(async () => {
    const res = await h.call("POST", "/api/v1/authentication/", { mobile_number: MOBILE });
    expect(res.status, res.text).toBe(201);
    id = res.body.payload.data[0].id;
  });
  fuzzCredential(
    "otp_code",
    () => ({
      door: "000",
      secret: async () => (await h.code(MOBILE, "login")),
      send: (otp_code) => h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: MOBILE, otp_code }),
    }),
    sixDigits,
    hasJwt,
  );
});

// ---------------------------------------------------------------- family 001

describe("family 001 POST /login (verificationCode)", () => {
  const PHONE = "0881829921";
  beforeAll(async () => {
    await h.auth.createAccount({ phone: PHONE });
    expect((await h.call("POST", "/verify-phone", { phoneNumber: PHONE })).status).toBe(200);
  });
  fuzzCredential(
    "verificationCode",
    () => ({
      door: "001",
      secret: async () => (await h.code(PHONE, "login")),
      send: (verificationCode) => h.call("POST", "/login", { phoneNumber: PHONE, verificationCode }),
    }),
    sixDigits,
    (res) => expect(res.body.content.accessToken).toEqual(expect.any(String)),
  );
});

// ---------------------------------------------------------------- family 002

describe("family 002 POST /auth/login (password)", () => {
  fuzzCredential(
    "password",
    () => ({ door: "002", secret: () => PASS, send: (password) => h.call("POST", "/auth/login", { email: ANA.email, password }) }),
    passwordLike,
    (res) => expect(res.body.token).toEqual(expect.any(String)),
  );
});

describe("family 002 POST /auth/otp-verify (otp_number)", () => {
  const EMAIL = "budi@example.com";
  beforeAll(async () => {
    expect((await h.call("POST", "/auth/register", { email: EMAIL, password: PASS, fullname: "Budi Santoso" })).status).toBe(200);
    expect((await h.call("POST", "/auth/send-otp", { email: EMAIL })).status).toBe(200);
  });
  fuzzCredential(
    "otp_number",
    () => ({ door: "002", secret: async () => (await h.code(EMAIL)), send: (otp_number) => h.call("POST", "/auth/otp-verify", { email: EMAIL, otp_number }) }),
    fc.oneof(sixDigits, fc.integer({ min: 0, max: 999_999 })),
    (res) => expect(res.body.token).toEqual(expect.any(String)),
  );
});

// ---------------------------------------------------------------- family 003

describe("family 003 POST /api/v1/auth/verify (code)", () => {
  const EMAIL = "cici@example.com";
  let verificationId: string;
  beforeAll(async () => {
    const reg = await h.call("POST", "/api/v1/auth/register", { username: "cici", email: EMAIL, password: PASS, fullname: "Cici Paramida" });
    expect(reg.status, reg.text).toBe(200);
    verificationId = reg.body.verificationId;
  });
  fuzzCredential(
    "code",
    () => ({ door: "003", secret: async () => (await h.code(EMAIL)), send: (code) => h.call("POST", "/api/v1/auth/verify", { code, verificationId }) }),
    fc.oneof(sixDigits, fc.integer({ min: 0, max: 999_999 })),
    (res) => expect(res.body.token).toEqual(expect.any(String)),
  );
});

describe("family 003 POST /api/v1/auth/login (password)", () => {
  fuzzCredential(
    "password",
    () => ({ door: "003", secret: () => PASS, send: (password) => h.call("POST", "/api/v1/auth/login", { email: ANA.email, password }) }),
    passwordLike,
    (res) => expect(res.body.token).toEqual(expect.any(String)),
  );
});

// ---------------------------------------------------------------- family 004

describe("family 004 POST /v1/auth/login (mpin)", () => {
  fuzzCredential(
    "mpin",
    () => ({ door: "004", secret: () => PIN, send: (mpin) => h.call("POST", "/v1/auth/login", { username: ANA.username, mpin }) }),
    fc.oneof(sixDigits, fc.integer({ min: 0, max: 999_999 })),
    (res) => expect(res.body.data.token).toEqual(expect.any(String)),
  );
});

describe("family 004 POST /v1/auth/relogin (mpin)", () => {
  fuzzCredential(
    "mpin",
    () => ({ door: "004", secret: () => PIN, send: (mpin) => h.call("POST", "/v1/auth/relogin", { mpin }, { token: ana.token }) }),
    sixDigits,
    (res) => expect(res.body.data.userDetails).toMatchObject({ username: ANA.username }),
  );
});

describe("family 004 POST /v1/auth/forgot-password (mpin)", () => {
  fuzzCredential(
    "mpin",
    () => ({
      door: "004",
      secret: () => PIN,
      send: (mpin) => h.call("POST", "/v1/auth/forgot-password", { idCustomers: anaIds.customerId, accountNumber: anaIds.accountNumber, mpin }),
    }),
    sixDigits,
    ok,
  );
});

describe("family 004 POST /v1/auth/setup-new-password (otpCode)", () => {
  const DODI = { username: "dodi", email: "dodi@example.com" };
  beforeAll(async () => {
    const d = await h.userWithPin({ ...DODI, pin: OTHER_PIN });
    const me = (await h.query("user.me", undefined, { token: d.token })).body.result.data;
    const sent = await h.call("POST", "/v1/auth/forgot-password", { idCustomers: String(me.customerId), accountNumber: String(me.accountNumber), mpin: OTHER_PIN });
    expect(sent.status, sent.text).toBe(200);
  });
  fuzzCredential(
    "otpCode",
    () => ({
      door: "004",
      secret: async () => (await h.code(DODI.email)),
      send: (otpCode) => h.call("POST", "/v1/auth/setup-new-password", { username: DODI.username, newPassword: PASS2, otpCode }),
    }),
    sixDigits,
    ok,
  );
});

// ---------------------------------------------------------------- tRPC

describe("tRPC auth.loginWithPassword (password)", () => {
  fuzzCredential(
    "password",
    () => ({ door: "trpc", secret: () => PASS, send: (password) => trpc("auth.loginWithPassword", { identifier: ANA.username, password }) }),
    passwordLike,
    trpcToken,
  );
});

describe("tRPC auth.loginWithPin (pin)", () => {
  fuzzCredential(
    "pin",
    () => ({ door: "trpc", secret: () => PIN, send: (pin) => trpc("auth.loginWithPin", { username: ANA.username, pin, delivery: "cookie" }) }),
    sixDigits,
    (res) => expect(res.headers.getSetCookie().join()).toMatch(/authsvc_session=[^;]/),
  );
});

describe("tRPC auth.loginWithPhoneCode (code)", () => {
  const PHONE = "0881829922";
  beforeAll(async () => {
    await h.auth.createAccount({ phone: PHONE });
    expect((await trpc("auth.requestPhoneCode", { phone: PHONE })).status).toBe(200);
  });
  fuzzCredential(
    "code",
    () => ({ door: "trpc", secret: async () => (await h.code(PHONE, "login")), send: (code) => trpc("auth.loginWithPhoneCode", { phone: PHONE, code }) }),
    sixDigits,
    trpcToken,
  );
});

describe("tRPC auth.verifyRegistration (code)", () => {
  const EMAIL = "eka@example.com";
  let verificationId: string;
  beforeAll(async () => {
    const reg = await trpc("auth.register", { email: EMAIL, password: PASS, username: "eka" });
    expect(reg.status, reg.text).toBe(200);
    verificationId = reg.body.result.data.verificationId;
  });
  fuzzCredential(
    "code",
    () => ({ door: "trpc", secret: async () => (await h.code(EMAIL)), send: (code) => trpc("auth.verifyRegistration", { verificationId, code }) }),
    sixDigits,
    trpcToken,
  );
});

describe("tRPC auth.verifyEmail (code)", () => {
  const EMAIL = "fajar@example.com";
  beforeAll(async () => {
    expect((await h.call("POST", "/auth/register", { email: EMAIL, password: PASS, fullname: "Fajar Alfian" })).status).toBe(200);
    expect((await trpc("auth.sendEmailVerification", { email: EMAIL })).status).toBe(200);
  });
  fuzzCredential(
    "code",
    () => ({ door: "trpc", secret: async () => (await h.code(EMAIL)), send: (code) => trpc("auth.verifyEmail", { email: EMAIL, code }) }),
    sixDigits,
    trpcToken,
  );
});

describe("tRPC auth.resetPassword (code)", () => {
  const EMAIL = "gita@example.com";
  beforeAll(async () => {
    await h.verifiedUser({ username: "gita", email: EMAIL });
    expect((await trpc("auth.forgotPassword", { identifier: EMAIL })).status).toBe(200);
  });
  fuzzCredential(
    "code",
    () => ({ door: "trpc", secret: async () => (await h.code(EMAIL)), send: (code) => trpc("auth.resetPassword", { identifier: EMAIL, code, newPassword: PASS2 }) }),
    sixDigits,
    ok,
  );
});

describe("tRPC auth.resetPasswordWithLink (token)", () => {
  const EMAIL = "hana@example.com";
  let link: string;
  beforeAll(async () => {
    await h.verifiedUser({ username: "hana", email: EMAIL });
    expect((await trpc("auth.forgotPassword", { identifier: EMAIL })).status).toBe(200);
    const text = (await h.auth.listOutbox(EMAIL))[0]!.text;
    link = decodeURIComponent(/reset-password\?token=([^\s"&]+)/.exec(text)![1]!);
  });
  fuzzCredential(
    "token",
    () => ({ door: "trpc", secret: () => link, send: (token) => trpc("auth.resetPasswordWithLink", { token, newPassword: PASS2 }) }),
    fc.stringMatching(/^[\w-]{20,60}$/),
    ok,
  );
});

describe("tRPC pin.set (currentPassword)", () => {
  fuzzCredential(
    "currentPassword",
    () => ({ door: "trpc", secret: () => PASS, send: (currentPassword) => trpc("pin.set", { pin: PIN, currentPassword }, ana.token) }),
    passwordLike,
    ok,
  );
});

describe("tRPC pin.relogin (pin)", () => {
  fuzzCredential(
    "pin",
    () => ({ door: "trpc", secret: () => PIN, send: (pin) => trpc("pin.relogin", { pin }, ana.token) }),
    sixDigits,
    ok,
  );
});

describe("tRPC pin.reset (code)", () => {
  let token: string;
  beforeAll(async () => {
    token = (await h.userWithPin({ username: "indah", email: "indah@example.com", pin: PIN })).token;
    expect((await trpc("pin.requestReset", {}, token)).status).toBe(200);
  });
  fuzzCredential(
    "code",
    () => ({ door: "trpc", secret: async () => (await h.code("indah@example.com")), send: (code) => trpc("pin.reset", { code, pin: OTHER_PIN }, token) }),
    sixDigits,
    ok,
  );
});

describe("tRPC password.update (currentPassword)", () => {
  fuzzCredential(
    "currentPassword",
    () => ({
      door: "trpc",
      secret: () => PASS,
      // The new password is the current one: the control run changes nothing the other doors rely on.
      send: (currentPassword) => trpc("password.update", { newPassword: PASS, currentPassword }, ana.token),
    }),
    passwordLike,
    ok,
  );
});

describe("tRPC user.confirmVerification (code)", () => {
  let token: string;
  const PHONE = "0881829923";
  beforeAll(async () => {
    token = (await h.verifiedUser({ username: "joko", email: "joko@example.com", phone: PHONE })).token;
    const sent = await trpc("user.requestVerification", { channel: "phone" }, token);
    expect(sent.status, sent.text).toBe(200);
  });
  fuzzCredential(
    "code",
    () => ({ door: "trpc", secret: async () => (await h.code(PHONE)), send: (code) => trpc("user.confirmVerification", { channel: "phone", code }, token) }),
    sixDigits,
    ok,
  );
});

// ---------------------------------------------------------------- tokens, roles, cookies

describe("renewal with a forged or altered access token (family 000 PATCH /api/v1/authorization/{id}/, tRPC auth.renew)", () => {
  const MOBILE = "0881829924";
  let id: string;
  let token: string;
  let other: string;
  beforeAll(async () => {
    ({ id, token } = await h.phoneLogin000(MOBILE));
    other = (await h.phoneLogin000("0881829925")).token;
  });
  it.prop([fc.gen(), fc.boolean()], params())("never renews, never answers a token", async (g, viaTrpc) => {
    const forged = g(tokenNearMisses, token, other);
    const before = await snapshot();
    if (viaTrpc) await expectRefused("trpc", await trpc("auth.renew", { accessToken: forged }), before);
    else await expectRefused("000", await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: forged }), before);
  });
  it("the real token still renews after all that (no forgery was taken for a replay)", async () => {
    const res = await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: MOBILE, access_token: token });
    expect(res.status, res.text).toBe(200);
  });
});

describe("a forged or altered bearer token on protected routes", () => {
  const ROUTES: [string, (auth: string) => Promise<Wire>][] = [
    ["trpc", (authorization) => h.query("user.me", undefined, { headers: { authorization } })],
    ["trpc", (authorization) => h.mutate("session.revokeAll", { keepCurrent: false }, { headers: { authorization } })],
    ["001", (authorization) => h.call("GET", `/3p/token?userId=${ana.id}`, undefined, { headers: { authorization } })],
    ["002", (authorization) => h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { headers: { authorization } })],
    ["004", (authorization) => h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { headers: { authorization } })],
  ];
  it.prop([fc.gen(), fc.nat({ max: ROUTES.length - 1 }), fc.constantFrom("Bearer ", "bearer ", "Bearer\t")], params())(
    "is refused everywhere",
    async (g, i, scheme) => {
      const [door, send] = ROUTES[i]!;
      // A header cannot carry NUL or line breaks, and the whitespace around it is not part of it.
      // eslint-disable-next-line no-control-regex -- NUL is one of the characters this strips
      const forged = g(tokenNearMisses, ana.token).replace(/[\r\n\u0000]/g, "");
      fc.pre(forged.trim() !== ana.token);
      const before = await snapshot();
      const res = await send(`${scheme}${forged}`);
      await expectRefused(door as FamilyId | "trpc", res, before);
      expect([400, 401], res.text.slice(0, 200)).toContain(res.status);
    },
  );
  it("the real token still works", async () => {
    expect((await h.query("user.me", undefined, { token: ana.token })).status).toBe(200);
  });
});

describe("family 000 PUT /api/v1/authentication/{id}/: a role is a wish", () => {
  let n = 100;
  it.prop([roleWish], params())("no asked-for role yields a token with a role the user does not hold", async (role) => {
    const mobile = `0881829${String(n++)}`;
    const created = await h.call("POST", "/api/v1/authentication/", { mobile_number: mobile });
    expect(created.status, created.text).toBe(201);
    const res = await h.call("PUT", `/api/v1/authentication/${created.body.payload.data[0].id}/`, {
      mobile_number: mobile,
      otp_code: (await h.code(mobile, "login")),
      role,
    });
    expectFamilyAnswer("000", res);
    if (res.status === 200) {
      const claims = JSON.parse(Buffer.from(res.body.payload.data[0].access_token.split(".")[1], "base64url").toString());
      expect(["user", "customer"]).toContain(claims.role);
    } else {
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });
});

describe("a cookie-borne tRPC mutation from another site", () => {
  let cookie: string;
  const crossSite = fc.record(
    {
      origin: fc.oneof(
        fc.constantFrom("null", "https://evil.example", "http://localhost.evil.example", "http://localhost:8080", "http://127.0.0.1", "file://", ""),
        fc.webUrl().map((u) => new URL(u).origin),
      ),
      "sec-fetch-site": fc.constantFrom("cross-site", "same-site"),
      referer: fc.constantFrom("http://localhost/", "https://evil.example/"),
    },
    { requiredKeys: [] },
  );
  const MUTATIONS: [string, unknown][] = [
    ["pin.set", { pin: OTHER_PIN }],
    ["password.update", { newPassword: PASS2 }],
    ["session.revokeAll", { keepCurrent: false }],
    ["auth.logout", {}],
    ["user.requestVerification", { channel: "email" }],
    ["pin.requestReset", {}],
  ];
  beforeAll(async () => {
    await h.verifiedUser({ username: "kiki", email: "kiki@example.com" });
    const res = await trpc("auth.loginWithPassword", { identifier: "kiki", password: PASS, delivery: "cookie" });
    cookie = /^authsvc_session=([^;]+)/.exec(res.headers.getSetCookie()[0]!)![1]!;
  });
  it.prop([crossSite, fc.nat({ max: MUTATIONS.length - 1 })], params())("is refused and changes nothing", async (headers, i) => {
    const [name, input] = MUTATIONS[i]!;
    // A browser always sends one of them on a cross-site POST; with neither it is not a browser.
    if (!headers.origin && !headers["sec-fetch-site"]) headers["sec-fetch-site"] = "cross-site";
    fc.pre(!(headers.origin === "http://localhost" && !headers["sec-fetch-site"]));
    const before = await snapshot();
    const res = await h.mutate(name, input, { cookie: decodeURIComponent(cookie), headers: headers as Record<string, string> });
    await expectRefused("trpc", res, before);
    expect(res.status).toBe(403);
  });
  it("the same call from the site itself works", async () => {
    const res = await h.mutate("user.requestVerification", { channel: "email" }, { cookie: decodeURIComponent(cookie), headers: { origin: "http://localhost" } });
    expect(res.status, res.text).not.toBe(403);
  });
});
