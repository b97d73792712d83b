/**
 * What the fuzz tests (../fuzz*.test.ts) throw at the service, and what every answer must
 * look like. Seeded and bounded: the same cases on every run, well under a minute in all.
 */
import { fc } from "@fast-check/vitest";
import { expect } from "vitest";
import type { z } from "zod";
import { ENVELOPE, type FamilyId } from "../rest/test-helpers";
import { expectNoLeak, type Wire } from "../testing";

/** One seed for every property, so a failure replays as it was found. */
export const SEED = 20261201;
/** Cases per property: enough to reach the odd corners, few enough for 2 cores. */
export const RUNS = 30;
export const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true });

/**
 * Values that reached PostgreSQL and failed there (issue 19): U+0000 in an email, ids past
 * int4. Every field and path parameter gets them on every run, whatever the seed draws,
 * since each engine must answer them as the other does.
 */
export const POSTGRES_BREAKERS: readonly unknown[] = ["fuzz.target\u0000@example.com", "a\u0000@b.co", 99_999_999_999, 2_147_483_648, "99999999999"];
let fresh = 0;
/** A client address no other request used (its own /64), so that no per-address limit answers first. */
export const freshAddress = (): string => `2001:db8:${(++fresh).toString(16)}::1`;
/** The same as path parameters. */
export const POSTGRES_BREAKING_PARAMS: readonly string[] = ["99999999999", "2147483648", "9223372036854775808"];

// ---------------------------------------------------------------- values

const LONE_SURROGATES = ["\ud800", "\udfff", "a\ud83d", "\ude00b", "\ud83d\ud83d"];
const NASTY_TEXT = [
  "",
  " ",
  "\u0000",
  "abc\u0000def",
  "\u202e\u0041\u200b",
  "😀👩‍👩‍👧‍👦🏳️‍🌈",
  "Ω≈ç√∫",
  "１２３４５６",
  "٠١٢٣٤٥",
  "null",
  "undefined",
  "NaN",
  "__proto__",
  "constructor",
  "toString",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "a\u0000@b.co",
  "%00",
  "%E0%A4%A",
  "../../etc/passwd",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "\r\nX-Injected: 1",
  "0881829915",
  "+62881829915",
  "a@b.co",
  "2030-02-30",
  "31.12.1999",
  "123456",
  "000000",
  "-1",
  "1e309",
  ...LONE_SURROGATES,
];

/** Up to ~60 KiB of one repeated unit (emoji, NUL, a lone surrogate...). */
export const hugeString = fc
  .tuple(fc.constantFrom("a", "é", "😀", "\u0000", "\ud800", "0", " ", "\\", '"', "%"), fc.integer({ min: 1024, max: 60 * 1024 }))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

export const nastyString = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_TEXT), weight: 4 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 2 },
  { arbitrary: fc.stringMatching(/^\d{1,8}$/), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1e21, -1e21, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, 5e-324, 999999, 1000000, 12345),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value a hostile client might put where a field belongs. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: nastyString, weight: 5 },
    { arbitrary: nastyNumber, weight: 3 },
    { arbitrary: fc.constantFrom(true, false, null), weight: 2 },
    { arbitrary: fc.array(tie("value"), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(nastyString.filter((s) => s.length < 50), tie("value"), { maxKeys: 3 }), weight: 1 },
    // Deep nesting: [[[[...]]]]
    { arbitrary: fc.integer({ min: 50, max: 2000 }).map((n) => JSON.parse("[".repeat(n) + "]".repeat(n)) as unknown), weight: 1 },
  ),
})).value;

export const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: "binary" });

/** The top-level field names of an object schema (optional and transformed ones too). */
export function fieldNames(schema: z.ZodType | undefined): string[] {
  let s: any = schema;
  for (let i = 0; s && !s.shape && i < 10; i++) s = s.def?.innerType ?? s.def?.in ?? s.def?.schema;
  return s?.shape ? Object.keys(s.shape) : [];
}

/** An object with the route's own field names, each missing, wrong in type, or hostile. */
export const fieldsObject = (names: string[]) =>
  fc.tuple(
    fc.record(Object.fromEntries(names.map((n) => [n, nastyValue])), { requiredKeys: [] }),
    fc.dictionary(fc.constantFrom("__proto__", "constructor", "role", "admin", "id", "extra"), nastyValue, { maxKeys: 2 }),
  ).map(([own, extra]) => ({ ...extra, ...own }));

// ---------------------------------------------------------------- headers

const latin1 = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff\t]/g, "?");

export const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/vnd.api+json",
  "application/json; charset=latin1",
  "application/jsonx",
  "text/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "",
  " application/json ",
  "application/json;" + "a".repeat(8000),
);

/** A forged JWT: alg none, or HS256 with a wrong key, with admin claims. */
const forgedJwt = fc.constantFrom(
  `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString("base64url")}.${Buffer.from('{"sub":"1","sid":"x","gen":0,"role":"admin","iss":"authsvc","aud":"authsvc","iat":1,"exp":9999999999}').toString("base64url")}.`,
  `${Buffer.from('{"alg":"HS256","typ":"at+jwt"}').toString("base64url")}.${Buffer.from('{"sub":"1","role":"admin"}').toString("base64url")}.AAAA`,
  "a.b.c",
  "..",
  "a.b.c.d",
);

export const authorization = fc.oneof(
  fc.constantFrom("Bearer", "Bearer ", "Bearer  ", "bearer x", "Basic dXNlcjpwYXNz", "Token abc", "Bearer a b", "Bearer null"),
  forgedJwt.map((t) => `Bearer ${t}`),
  fc.string({ unit: "binary-ascii", maxLength: 60 }).map((s) => `Bearer ${latin1(s)}`),
  fc.integer({ min: 4000, max: 20000 }).map((n) => `Bearer ${"x".repeat(n)}`),
);

export const cookie = fc.oneof(
  fc.constantFrom("authsvc_session=", "authsvc_session=%E0%A4%A", "authsvc_session=a; authsvc_session=b", "=;=;;", "authsvc_session"),
  fc.string({ unit: "binary-ascii", maxLength: 60 }).map((s) => `authsvc_session=${latin1(s)}`),
  fc.integer({ min: 4000, max: 20000 }).map((n) => `authsvc_session=${"y".repeat(n)}`),
);

/** Odd request headers: each present or not. */
export const oddHeaders = fc
  .record(
    {
      authorization,
      cookie,
      "x-forwarded-for": fc.constantFrom("1.2.3.4", "::1, 10.0.0.1", "garbage", "1".repeat(5000)),
      "user-agent": fc.oneof(fc.constantFrom("", "curl/8"), fc.integer({ min: 1000, max: 30000 }).map((n) => "U".repeat(n))),
      accept: fc.constantFrom("text/html", "*/*", "application/xml"),
      "accept-language": fc.constantFrom("id", "xx-YY;q=2", ",,,"),
      origin: fc.constantFrom("null", "https://evil.example", "http://localhost"),
      // Malformed (400 on every route) and rebinding names (never the machine itself).
      host: fc.constantFrom("a b", "[::ffff:127.0.0.1]", "127.attacker.example", "localhost:3000", "example.com:99999"),
      "x-huge": fc.integer({ min: 8000, max: 60000 }).map((n) => "h".repeat(n)),
    },
    { requiredKeys: [] },
  )
  .map((h) => h as Record<string, string>);

/** Client addresses, so per-address limits do not turn every case into the same 429. */
export const remoteAddress = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("::ffff:10.0.0.1", "", "not-an-ip"));

/** Odd path parameters: unicode, encoded separators, huge, empty-ish, numbers out of range. */
export const pathParam = fc.oneof(
  fc.constantFrom(
    "0",
    "-1",
    "1e3",
    "1.5",
    "0x10",
    " 1",
    "１",
    "9".repeat(400),
    "99999999999999999999",
    "99999999999",
    "2147483648",
    "%00",
    "%E0%A4%A",
    "%2F",
    "%2e%2e",
    "null",
    "undefined",
    "__proto__",
    "%F0%9F%98%80",
    "%ED%A0%80",
    "a%20b",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "x"))),
  fc.nat().map(String),
);

/** Raw bodies: not JSON, truncated JSON, invalid UTF-8. */
export const rawBody = fc.oneof(
  fc.constantFrom("", "{", "{}", "[]", "null", '{"a":', "\u0000", '{"__proto__":{"admin":true}}', "1".repeat(70 * 1024), '{"a":"\\ud800"}'),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  anyJson.map((v) => JSON.stringify(v)),
);

// ---------------------------------------------------------------- what every answer obeys

/** Status 2xx-4xx, JSON in the family's envelope, no stack, no internal path. */
export function expectFamilyAnswer(family: FamilyId, res: Wire) {
  expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(200);
  expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
  ENVELOPE[family](res, res.status);
  expectNoInternals(res);
  if (res.status === 429) expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
}

/** tRPC on the wire: `{result: {data}}` or `{error: {message, code, data: {code, httpStatus}}}`. */
export function expectTrpcAnswer(res: Wire) {
  expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(200);
  expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
  expect(res.headers.get("content-type"), res.text.slice(0, 300)).toMatch(/application\/json/);
  expect(res.body, res.text.slice(0, 300)).toBeTypeOf("object");
  expect(res.body).not.toBeNull();
  // A batch (`?batch=1`) answers one envelope per call; its status is the calls' common one, else 207.
  const answers: Record<string, any>[] = Array.isArray(res.body) ? res.body : [res.body];
  expect(answers.length).toBeGreaterThan(0);
  for (const a of answers) {
    const ok = "result" in a;
    expect(Object.keys(a)).toEqual([ok ? "result" : "error"]);
    if (!Array.isArray(res.body)) expect(ok, res.text.slice(0, 300)).toBe(res.status < 300);
    if (ok) continue;
    const e = a.error;
    expect(typeof e.message).toBe("string");
    expect(typeof e.code).toBe("number");
    expect(typeof e.data?.code).toBe("string");
    expect(e.data.httpStatus).toBeGreaterThanOrEqual(400);
    expect(e.data.httpStatus).toBeLessThan(500);
    if (!Array.isArray(res.body)) expect(e.data.httpStatus).toBe(res.status);
    expect(e.data).not.toHaveProperty("stack");
  }
  expectNoInternals(res);
  expectNoLeak(res);
}

function expectNoInternals(res: Wire) {
  expect(res.text).not.toMatch(/\/work\/|\/home\/|\/usr\/|[A-Z]:\\|\.ts:\d+|\.js:\d+/);
  expect(res.text).not.toMatch(/SqliteError|SQLITE_|ZodError|TypeError|RangeError|SyntaxError|ReferenceError/);
}

/** JWT-looking text, or a token field with a value. */
export function expectNoToken(res: Wire) {
  expect(res.text).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\./);
  expect(res.text).not.toMatch(/"(token|access_token|accessToken)":"[^"]+"/);
}

/** True when `v` is the right secret in a form the service rightly accepts (trimmed, or a JSON number for a code). */
export function isTheSecret(v: unknown, secret: string): boolean {
  if (typeof v === "string") return v === secret || v.trim() === secret;
  if (typeof v === "number") return String(v) === secret || (Number.isInteger(v) && v >= 0 && String(v).padStart(6, "0") === secret);
  return false;
}

/** Near misses of a secret: one off, padded, case-flipped, full-width, with NUL, as a number. */
export function nearMisses(secret: string) {
  const fullWidth = [...secret].map((c) => (/\d/.test(c) ? String.fromCharCode(0xff10 + Number(c)) : c)).join("");
  const flipped = [...secret].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
  const bumped = secret.slice(0, -1) + String.fromCharCode(secret.charCodeAt(secret.length - 1) ^ 1);
  return fc.constantFrom<unknown>(
    secret.slice(0, -1),
    secret + "0",
    secret + "\u0000",
    "\u0000" + secret,
    secret + "\u200b",
    fullWidth,
    flipped,
    bumped,
    [secret],
    { value: secret },
    `${secret}${secret}`,
    secret.normalize("NFD") === secret ? secret + "\u0301" : secret.normalize("NFD"),
    "",
    null,
    true,
    0,
    -Number(secret),
    Number(secret) + 1,
    Number(secret) + 0.5,
  );
}

/** Anything but the right secret, with near misses and well-formed wrong ones weighted up. */
export const wrongSecret = (secret: string, wellFormed: fc.Arbitrary<unknown>) =>
  fc
    .oneof(
      { arbitrary: nearMisses(secret), weight: 3 },
      { arbitrary: wellFormed, weight: 3 },
      { arbitrary: nastyValue, weight: 2 },
      { arbitrary: anyJson, weight: 1 },
    )
    .filter((v) => !isTheSecret(v, secret));

export const sixDigits = fc.stringMatching(/^\d{6}$/);
export const passwordLike = fc.string({ unit: "grapheme", minLength: 6, maxLength: 40 });

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const unb64 = (part: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/**
 * Forgeries of a real token: claims changed under the old signature, `alg: none`, the
 * signature dropped or moved, one character flipped, case or padding changed.
 */
export function tokenNearMisses(token: string, other?: string) {
  const [h = "", p = "", s = ""] = token.split(".");
  const claims = unb64(p);
  const header = unb64(h);
  const variants = [
    `${h}.${b64({ ...claims, role: "admin" })}.${s}`,
    `${h}.${b64({ ...claims, sub: "1" })}.${s}`,
    `${h}.${b64({ ...claims, exp: 9_999_999_999 })}.${s}`,
    `${h}.${b64({ ...claims, gen: Number(claims.gen ?? 0) + 1 })}.${s}`,
    `${b64({ ...header, alg: "none" })}.${p}.`,
    `${b64({ ...header, alg: "HS512" })}.${p}.${s}`,
    `${b64({ alg: "HS256" })}.${p}.${s}`,
    `${h}.${p}.`,
    `${h}.${p}`,
    `${h}.${p}.${s}.${s}`,
    `${h}.${p}.${s}=`,
    `${h}.${p}.${s.slice(0, -1)}`,
    `${h}.${p}.${s.toUpperCase()}`,
    `${h}..${s}`,
    token.toUpperCase(),
    ` ${token}`,
    `${token}\u0000`,
    ...(other ? [`${h}.${p}.${other.split(".")[2] ?? ""}`, `${other.split(".")[0]}.${p}.${s}`] : []),
  ].filter((v) => v !== token);
  const flipped = fc.nat({ max: Math.max(0, token.length - 1) }).chain((i) =>
    fc.constantFrom(..."AQgw_-.0".split("")).map((c) => token.slice(0, i) + (token[i] === c ? "B" : c) + token.slice(i + 1)),
  );
  return fc.oneof(fc.constantFrom(...variants), flipped).filter((v) => v !== token);
}

/** Roles nobody may ask for into a token, and look-alikes of them. */
export const roleWish = fc.oneof(
  fc.constantFrom(
    "admin",
    "ADMIN",
    "Admin",
    " admin ",
    "admin\u0000",
    "ad\u200bmin",
    "ａｄｍｉｎ",
    "admin,customer",
    "customer admin",
    "root",
    "superuser",
    "*",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
  ),
  nastyString,
);
