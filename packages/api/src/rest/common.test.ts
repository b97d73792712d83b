/**
 * docs/contracts.md, "General, every family": trailing slashes, JSON in the family's
 * envelope for every answer, malformed / wrongly typed / oversized / incomplete bodies
 * answered 4xx (never a 500, never HTML, never a stack trace), unknown routes 404.
 */
import { describe, expect, it } from "vitest";
import { ENVELOPE, errorMessageOf, expectCleanJson, restSetup, SEED_ROUTES, type FamilyId, type Wire } from "./test-helpers";

/** A well-shaped body per body route (values need not be right), in seed order. */
const BODIES: Record<string, Record<string, unknown>> = {
  "POST /api/v1/authentication/": { mobile_number: "0881829915" },
  "PATCH /api/v1/authentication/{id}/": { mobile_number: "0881829915" },
  "PUT /api/v1/authentication/{id}/": { mobile_number: "0881829915", otp_code: "298460", role: "customer" },
  "PATCH /api/v1/authorization/{id}/": { mobile_number: "0881829915", access_token: "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x" },
  "POST /user/sign-up": { name: "Syntia", email: "syntia@gmail.com", phoneNumber: "+6281990333364", birthDate: "2020-03-28" },
  "POST /verify-phone": { phoneNumber: "+6281990333364" },
  "POST /login": { phoneNumber: "+6281990333364", verificationCode: "123456" },
  "POST /auth/register": { email: "a@example.com", password: "Kopi-Susu-Gula-42", fullname: "Siti Nurhaliza" },
  "POST /auth/send-otp": { email: "a@example.com" },
  "POST /auth/otp-verify": { email: "a@example.com", otp_number: 123456 },
  "POST /auth/login": { email: "a@example.com", password: "Kopi-Susu-Gula-42" },
  "POST /auth/send-forgot-password": { email: "a@example.com" },
  "PATCH /auth/update-password": { new_password: "Kopi-Susu-Gula-42" },
  "POST /api/v1/auth/login": { email: "johndoe@gmail.com", password: "password" },
  "POST /api/v1/auth/register": {
    username: "johndoe",
    email: "johndoe@gmail.com",
    phone: "+998 90 000 00 00",
    password: "Kopi-Susu-Gula-42",
    fullname: "John Doe",
    profile_picture: "your picture",
    bio: "Detailed biography of yourself",
    birthday: "10.01.1996",
  },
  "POST /api/v1/auth/resend": { email: "johndoe@gmail.com" },
  "POST /api/v1/auth/verify": { code: "213910", verificationId: "aade4420-533c-45bc-8103-cf6632abb342" },
  "POST /v1/auth/login": { username: "budi", mpin: "902734" },
  "POST /v1/auth/relogin": { mpin: "902734" },
  "POST /v1/auth/forgot-password": { idCustomers: 123456789012, accountNumber: "1234567890", mpin: "902734" },
  "POST /v1/auth/setup-new-password": { username: "budi", newPassword: "Kopi-Susu-Gula-42", otpCode: "123456" },
};

const NOT_FOUND_PATHS: Record<FamilyId, string[]> = {
  "000": ["/api/v1/authentication/1/extra", "/api/v1/authentication/1/extra/", "/api/v1/authorization", "/api/v1/authorization/1/2"],
  "001": ["/user/nope", "/user", "/3p/nope", "/user/sign-up/extra"],
  "002": ["/auth/nope", "/auth/register/extra", "/auth"],
  "003": ["/api/v1/auth/nope", "/api/v1/auth", "/api/v1/auth/verify/extra"],
  "004": ["/v1/auth/nope", "/v1/auth", "/v1/auth/login/extra"],
};

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const concrete = (path: string) => path.replace("{id}", "1");
const withSlash = (path: string) => (path.endsWith("/") ? path : `${path}/`);
const withoutSlash = (path: string) => (path.endsWith("/") ? path.slice(0, -1) : path);
const BODY_ROUTES = SEED_ROUTES.filter((r) => r.method !== "GET");

/** The family's 404 message, read from an unknown path under its prefix. */
async function notFoundMessage(h: ReturnType<typeof restSetup>, family: FamilyId): Promise<string> {
  const res = await h.call("POST", NOT_FOUND_PATHS[family][0]!, {});
  return errorMessageOf(family, res.body);
}

/** The answer is the family's envelope, 4xx, JSON, clean. */
function expectFamilyError(family: FamilyId, res: Wire, label: string) {
  expect(res.status, `${label}: ${res.text}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${res.text}`).toBeLessThan(500);
  ENVELOPE[family](res, res.status);
}

describe("every documented route answers with and without a trailing slash, with no redirect", () => {
  it.each(SEED_ROUTES.map((r) => [key(r), r] as const))("%s", async (_label, r) => {
    const h = restSetup();
    const nf = await notFoundMessage(h, r.family);
    const answers: Wire[] = [];
    for (const path of [withSlash(concrete(r.path)), withoutSlash(concrete(r.path))]) {
      const res =
        r.method === "GET" ? await h.call("GET", path + (r.path.includes("status") ? "?id=unknown" : "?userId=1")) : await h.call(r.method, path, {});
      const label = `${r.method} ${path}`;
      expectCleanJson(res);
      expect(h.handler.handles(r.method, path), label).toBe(true);
      // the route itself answered (its validation or its own refusal), not the family's 404
      expectFamilyError(r.family, res, label);
      expect(errorMessageOf(r.family, res.body), label).not.toBe(nf);
      answers.push(res);
    }
    expect(answers[0]!.status).toBe(answers[1]!.status);
    expect(errorMessageOf(r.family, answers[0]!.body)).toBe(errorMessageOf(r.family, answers[1]!.body));
  });
});

describe("malformed requests to every body route get a 4xx in the family's envelope", () => {
  it.each(BODY_ROUTES.map((r) => [key(r), r] as const))("%s", async (label, r) => {
    const h = restSetup();
    const path = concrete(r.path);
    const valid = BODIES[label]!;
    expect(valid, `a body for ${label}`).toBeDefined();
    const [first] = Object.keys(valid) as [string];
    const cases: [string, RequestInit][] = [
      ["malformed JSON", { body: '{"a": ', headers: { "content-type": "application/json" } }],
      ["truncated JSON", { body: JSON.stringify(valid).slice(0, -1), headers: { "content-type": "application/json" } }],
      ["empty body", { body: "", headers: { "content-type": "application/json" } }],
      ["JSON null", { body: "null", headers: { "content-type": "application/json" } }],
      ["JSON array", { body: "[]", headers: { "content-type": "application/json" } }],
      ["JSON string", { body: '"x"', headers: { "content-type": "application/json" } }],
      ["wrong content type (text/plain)", { body: JSON.stringify(valid), headers: { "content-type": "text/plain" } }],
      ["form content type", { body: new URLSearchParams(Object.entries(valid).map(([k, v]): [string, string] => [k, String(v)])).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }],
      ["no content type", { body: new Blob([JSON.stringify(valid)]) }],
      ["body over 64 KiB", { body: JSON.stringify({ ...valid, pad: "x".repeat(70 * 1024) }), headers: { "content-type": "application/json" } }],
      ["field over 64 KiB", { body: JSON.stringify({ ...valid, [first]: "x".repeat(65 * 1024) }), headers: { "content-type": "application/json" } }],
      ["missing field", { body: JSON.stringify({ ...valid, [first]: undefined }), headers: { "content-type": "application/json" } }],
      ["all fields missing", { body: "{}", headers: { "content-type": "application/json" } }],
      ["mistyped field (object)", { body: JSON.stringify({ ...valid, [first]: { nested: true } }), headers: { "content-type": "application/json" } }],
      ["mistyped field (array)", { body: JSON.stringify({ ...valid, [first]: ["x"] }), headers: { "content-type": "application/json" } }],
      ["mistyped field (boolean)", { body: JSON.stringify({ ...valid, [first]: true }), headers: { "content-type": "application/json" } }],
      ["null field", { body: JSON.stringify({ ...valid, [first]: null }), headers: { "content-type": "application/json" } }],
    ];
    for (const [what, init] of cases) {
      const res = await h.raw(path, { method: r.method, redirect: "manual", ...init, headers: { "user-agent": "vitest", ...(init.headers as object) } });
      expectFamilyError(r.family, res, `${label}, ${what}`);
      expect(res.status, `${label}, ${what}`).not.toBe(404);
    }
    // the oversized body is 413, a refused content type 415, broken JSON 400
    const big = await h.raw(path, { method: r.method, headers: { "content-type": "application/json" }, body: JSON.stringify({ ...valid, pad: "x".repeat(70 * 1024) }) });
    expect(big.status).toBe(413);
    const plain = await h.raw(path, { method: r.method, headers: { "content-type": "text/plain" }, body: JSON.stringify(valid) });
    expect(plain.status).toBe(415);
    const broken = await h.raw(path, { method: r.method, headers: { "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    // nothing was written by any of it
    expect((await h.userCount())).toBe(0);
  });
});

describe("odd but well-formed JSON never answers 500", () => {
  const ODD: unknown[] = [
    "",
    " ",
    "\u0000",
    "𝕏".repeat(100),
    "x".repeat(20_000),
    -1,
    0,
    1.5,
    1e300,
    Number.MAX_SAFE_INTEGER + 2,
    "1e300",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    { $gt: "" },
  ];
  it.each(BODY_ROUTES.map((r) => [key(r), r] as const))("%s", async (label, r) => {
    const h = restSetup();
    const path = concrete(r.path);
    const valid = BODIES[label]!;
    for (const field of Object.keys(valid)) {
      for (const value of ODD) {
        const res = await h.call(r.method, path, { ...valid, [field]: value });
        expect(res.status, `${label} ${field}=${JSON.stringify(value)?.slice(0, 40)}: ${res.text}`).toBeLessThan(500);
        expectCleanJson(res);
        if (res.status >= 400) ENVELOPE[r.family](res, res.status);
      }
    }
    const proto = await h.call(r.method, path, `{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}`);
    expectFamilyError(r.family, proto, `${label} __proto__`);
  });
});

describe("an unknown route under a family's prefix answers 404 in that family's envelope", () => {
  it.each(Object.entries(NOT_FOUND_PATHS))("family %s", async (family, paths) => {
    const h = restSetup();
    for (const path of paths) {
      for (const method of ["GET", "POST", "DELETE"]) {
        const res = await h.call(method, path, method === "GET" ? undefined : {});
        expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
        ENVELOPE[family as FamilyId](res, 404);
      }
    }
  });
});

describe("a path under a family's prefix that cannot be decoded is an unknown route of that family", () => {
  it.each([
    ["000", "PATCH", "/api/v1/authentication/%E0%A4%A/"],
    ["001", "POST", "/user/%E0%A4%A"],
    ["002", "POST", "/auth/%E0%A4%A"],
    ["003", "POST", "/api/v1/auth/%E0%A4%A"],
    ["004", "POST", "/v1/auth/%E0%A4%A"],
  ] as const)("family %s: %s %s answers 404 in the family's envelope", async (family, method, path) => {
    const h = restSetup();
    // Family 000's path has an {id}: a valid body makes the undecodable id the only fault.
    const res = await h.call(method, path, family === "000" ? { mobile_number: "0881829915" } : {});
    expect(res.status, res.text).toBe(404);
    ENVELOPE[family](res, 404);
  });
});

describe("a wrong method on a documented path answers a 4xx in the family's envelope", () => {
  it.each(SEED_ROUTES.map((r) => [key(r), r] as const))("%s", async (label, r) => {
    const h = restSetup();
    const path = concrete(r.path);
    const documented = SEED_ROUTES.filter((x) => concrete(x.path) === path).map((x) => x.method as string);
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !documented.includes(m))) {
      if (method === "GET" && path === "/login") continue; // the web login page (docs/contracts.md)
      const what = `${method} ${path}`;
      expect(h.handler.handles(method, path), `${what} is answered by the API, not the web app`).toBe(true);
      const res = await h.call(method, path, method === "GET" ? undefined : {});
      expectFamilyError(r.family, res, what);
    }
  });
});

describe("every error answer names its status the family's way", () => {
  it("000's code and 001's errorCode equal the HTTP status on dispatcher errors (404, 413, 415)", async () => {
    const h = restSetup();
    const nf = await h.call("POST", "/api/v1/authentication/1/x", {});
    expect(nf.body.code).toBe(404);
    const big = await h.call("POST", "/user/sign-up", { pad: "x".repeat(70 * 1024) });
    expect(big.body.errorCode).toBe(413);
    const plain = await h.raw("/verify-phone", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(plain.status).toBe(415);
    expect(plain.body.errorCode).toBe(415);
  });

  it("content types with a charset or a +json suffix are JSON", async () => {
    const h = restSetup();
    const types = ["application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON", "application/vnd.api+json"];
    for (const [i, ct] of types.entries()) {
      // A number each: a second code to one number inside its cooldown would be a 429.
      const phoneNumber = `+628199033336${i}`;
      const res = await h.raw("/verify-phone", { method: "POST", headers: { "content-type": ct }, body: JSON.stringify({ phoneNumber }) });
      expect(res.status, `${ct}: ${res.text}`).toBe(200);
    }
  });
});

describe("validation messages", () => {
  it("name each wrong field once (found by fuzzing: an array where a string belongs gave 'email, email')", async () => {
    const h = restSetup();
    const res = await h.call("POST", "/api/v1/auth/login", { email: ["a"], password: ["b"] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: "Invalid request: email, password" });
  });
});
