/**
 * Assertions on what a client sees, shared by the API's own tests and the web app's tests
 * against the production server (`@authsvc/api/testing`): the answer on the wire, no leak,
 * and each REST family's envelope (shapes from seeds/*.txt, rules from docs/contracts.md).
 */
import { expect } from "vitest";

export interface Wire {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** A fetch `Response` as the assertions read it: the text, and its JSON when it is JSON. */
export async function toWire(res: Response): Promise<Wire> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** No stack frames, no dependency paths, no hashes in what a client sees. */
export function expectNoLeak(res: Pick<Wire, "text">) {
  expect(res.text).not.toMatch(/\bat \S+ \(|\bat (file|node):|\n\s+at /);
  expect(res.text).not.toContain("node_modules");
  expect(res.text).not.toMatch(/\$argon2/);
  expect(res.text).not.toMatch(/passwordHash|pinHash|codeHash|tokenHash/);
}

/** A password our policy accepts and family 002's 6–20 rule too. */
export const PASS = "Kopi-Susu-Gula-42";
export const PASS2 = "Teh-Manis-Dingin-77";

function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const parts = token.split(".");
  expect(parts, `a JWT has three parts: ${token}`).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[index]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The header (part 1) of a JWT, base64url-decoded. */
export const jwtHeader = (token: string) => jwtPart(token, 0);
/** The payload (part 2) of a JWT, base64url-decoded. */
export const jwtPayload = (token: string) => jwtPart(token, 1);

/** JSON, not HTML, no stack trace, no secret, not a redirect, not a 5xx. */
export function expectCleanJson(res: Wire) {
  expect(res.status, res.text).toBeLessThan(500);
  expect(res.status >= 300 && res.status < 400, `no redirect: ${res.status}`).toBe(false);
  expect(res.headers.get("location")).toBeNull();
  expect(res.headers.get("content-type"), res.text).toMatch(/^application\/json/);
  expect(res.body, `JSON body: ${res.text}`).toBeDefined();
  expect(res.text).not.toMatch(/<html|<!doctype/i);
  expect(res.text).not.toMatch(/\w*Error: |"stack"/);
  expectNoLeak(res);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function expectIsoNow(ts: unknown) {
  expect(typeof ts).toBe("string");
  expect(ts as string).toMatch(ISO_8601);
  const t = Date.parse(ts as string);
  expect(Number.isNaN(t), `parsable: ${ts}`).toBe(false);
  expect(Math.abs(t - Date.now())).toBeLessThan(60_000);
}

// ---------------------------------------------------------------- family envelopes

/** 000: `{code, success, payload: {message, data: [...]}}`, HTTP status = code. */
export function expect000(res: Wire, status: number, message?: string) {
  expectCleanJson(res);
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(["code", "payload", "success"]);
  expect(res.body.code).toBe(status);
  expect(res.body.success).toBe(status < 400);
  expect(Object.keys(res.body.payload).sort()).toEqual(["data", "message"]);
  expect(typeof res.body.payload.message).toBe("string");
  expect(Array.isArray(res.body.payload.data)).toBe(true);
  if (status >= 400) expect(res.body.payload.data).toEqual([]);
  if (message !== undefined) expect(res.body.payload.message).toBe(message);
  return res.body.payload as { message: string; data: Record<string, unknown>[] };
}

/** 001: `{timestamp, errorCode, errorMessage, success, content | value}`. */
export function expect001(res: Wire, status: number, message?: string) {
  expectCleanJson(res);
  expect(res.status, res.text).toBe(status);
  expectIsoNow(res.body.timestamp);
  if (status < 400) {
    expect(res.body.errorCode).toBeNull();
    expect(res.body.errorMessage).toBe("");
    expect(res.body.success).toBe(true);
  } else {
    expect(Object.keys(res.body).sort()).toEqual(["errorCode", "errorMessage", "success", "timestamp"]);
    expect(res.body.errorCode).toBe(status);
    expect(res.body.success).toBe(false);
    expect(typeof res.body.errorMessage).toBe("string");
    expect(res.body.errorMessage.length).toBeGreaterThan(0);
    if (message !== undefined) expect(res.body.errorMessage).toBe(message);
  }
  return res.body;
}

/** 002: success `{message, token?}`, errors `{error}`. */
export function expect002(res: Wire, status: number, message?: string) {
  expectCleanJson(res);
  expect(res.status, res.text).toBe(status);
  if (status < 400) {
    expect(typeof res.body.message).toBe("string");
    if (message !== undefined) expect(res.body.message).toBe(message);
  } else {
    expect(Object.keys(res.body)).toEqual(["error"]);
    expect(typeof res.body.error).toBe("string");
    expect(res.body.error.length).toBeGreaterThan(0);
    if (message !== undefined) expect(res.body.error).toBe(message);
  }
  return res.body;
}

/** 003: documented success bodies, errors `{message}`. */
export function expect003(res: Wire, status: number, message?: string) {
  expectCleanJson(res);
  expect(res.status, res.text).toBe(status);
  expect(typeof res.body.message).toBe("string");
  if (status >= 400) expect(Object.keys(res.body)).toEqual(["message"]);
  if (message !== undefined) expect(res.body.message).toBe(message);
  return res.body;
}

/** 004: `{status, message, data}`. */
export function expect004(res: Wire, status: number, message?: string) {
  expectCleanJson(res);
  expect(res.status, res.text).toBe(status);
  expect(res.body.status).toBe(status < 400 ? "success" : "error");
  expect(typeof res.body.message).toBe("string");
  if (status >= 400) expect(res.body).toEqual({ status: "error", message: res.body.message, data: null });
  if (message !== undefined) expect(res.body.message).toBe(message);
  return res.body;
}

/** A 429 carries Retry-After as a positive number of seconds (at most `maxSec`, when given). */
export function expectRetryAfter(res: Wire, maxSec?: number) {
  expect(res.status, res.text).toBe(429);
  const v = res.headers.get("retry-after");
  expect(v, "Retry-After header").not.toBeNull();
  expect(Number(v)).toBeGreaterThan(0);
  if (maxSec !== undefined) expect(Number(v)).toBeLessThanOrEqual(maxSec);
}
