import { LIVE_CHALLENGES_READ } from "@authsvc/store";
import { describe, expect, it } from "vitest";
import { defaultOptions, eventsWebhookProblem, resolveOptions } from "./options";

const secret = "x".repeat(32);

describe("rateLimitScale", () => {
  it("leaves every limit as set by default", () => {
    const o = resolveOptions({ secret });
    expect(o.rateLimitScale).toBe(1);
    expect(o.limits).toEqual(defaultOptions.limits);
    expect(o.code).toEqual(defaultOptions.code);
  });

  it("multiplies every limit's max and the per-destination code caps, once", () => {
    const o = resolveOptions({ secret, rateLimitScale: 1000 });
    expect(o.limits.loginPerIp).toEqual({ max: 300_000, windowSec: defaultOptions.limits.loginPerIp.windowSec });
    expect(o.limits.loginFailuresPerIdentifier.max).toBe(10_000);
    expect(o.limits.codeSendPerIp.max).toBe(60_000);
    expect(o.limits.signupPerIp.max).toBe(30_000);
    expect(o.code.perHour).toBe(5_000);
    expect(o.code.perDay).toBe(10_000);
    // Lockouts and cooldowns are not rate limits.
    expect(o.code.maxAttempts).toBe(defaultOptions.code.maxAttempts);
    expect(o.code.cooldownSec).toBe(defaultOptions.code.cooldownSec);
    expect(o.pin.maxFailures).toBe(defaultOptions.pin.maxFailures);
  });

  it("scales limits given in the input too, and never the defaults", () => {
    const o = resolveOptions({ secret, rateLimitScale: 2, limits: { loginPerIp: { max: 7 } }, code: { perHour: 3 } });
    expect(o.limits.loginPerIp.max).toBe(14);
    expect(o.code.perHour).toBe(6);
    expect(defaultOptions.limits.loginPerIp.max).toBe(300);
    expect(defaultOptions.code.perHour).toBe(5);
  });

  it("keeps at least one of everything when scaled down", () => {
    const o = resolveOptions({ secret, rateLimitScale: 0.01 });
    expect(o.code.perHour).toBe(1);
    expect(o.limits.loginPerIp.max).toBe(3);
  });

  it("refuses a scale that is not a positive number", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveOptions({ secret, rateLimitScale: bad })).toThrow(/rateLimitScale/);
    }
  });
});

describe("the ceiling of sends to one destination", () => {
  it("stays within what one code check reads, so no live code is left unread", () => {
    expect(defaultOptions.code.destinationPerHour).toBeLessThanOrEqual(LIVE_CHALLENGES_READ);
  });
});

describe("the passkey relying party", () => {
  it("comes from publicUrl by default", () => {
    expect(resolveOptions({ secret, publicUrl: "https://login.bank.example/" }).webauthn).toMatchObject({
      rpId: "login.bank.example",
      origins: ["https://login.bank.example"],
      unavailable: null,
    });
    expect(resolveOptions({ secret }).webauthn).toMatchObject({ rpId: "localhost", origins: ["http://localhost:3000"], unavailable: null });
  });

  it("derived from a publicUrl that cannot host passkeys, leaves the service running and says why", () => {
    expect(resolveOptions({ secret, publicUrl: "http://10.0.0.5:3000" }).webauthn.unavailable).toMatch(/not a domain name/);
    expect(resolveOptions({ secret, publicUrl: "http://auth.internal:3000" }).webauthn.unavailable).toMatch(/must be https/);
  });

  it("set explicitly and unworkable, stops the start naming the value", () => {
    expect(() => resolveOptions({ secret, webauthn: { rpId: "other.example", origins: ["https://login.bank.example"] } })).toThrow(/"other.example"/);
    expect(() => resolveOptions({ secret, webauthn: { rpId: "bank.example", origins: ["https://login.bank.example/path"] } })).toThrow(/origin only/);
    expect(resolveOptions({ secret, webauthn: { rpId: "bank.example", origins: ["https://login.bank.example", "https://app.bank.example"] } }).webauthn.unavailable).toBeNull();
  });
});

describe("the events webhook", () => {
  const key = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString("base64")}`;
  const url = "https://hooks.example/authsvc";

  it("is off by default, and on with a URL and a secret, its timeout filled in", () => {
    expect(resolveOptions({ secret }).events).toBeNull();
    expect(resolveOptions({ secret, events: { url, secret: key(32) } }).events).toEqual({ url, secret: key(32), timeoutMs: 10_000 });
    expect(resolveOptions({ secret, events: { url, secret: key(24), timeoutMs: 500 } }).events).toEqual({ url, secret: key(24), timeoutMs: 500 });
  });

  it("refuses a URL that is not http(s), a secret not in whsec_ and base64, or one too short, never naming the secret", () => {
    const problem = (u: string, s: string) => eventsWebhookProblem(u, s);
    expect(problem("ftp://hooks.example", key(32))).toMatch(/http:\/\/ or https:\/\//);
    expect(problem("not a url", key(32))).toMatch(/http:\/\/ or https:\/\//);
    expect(problem(url, Buffer.alloc(32, 7).toString("base64"))).toMatch(/whsec_/);
    expect(problem(url, "whsec_not*base64!")).toMatch(/whsec_/);
    expect(problem(url, "whsec_abc")).toMatch(/whsec_/);
    expect(problem(url, key(23))).toMatch(/at least 24 bytes \(it has 23\)/);
    expect(problem(url, key(24))).toBeNull();
    expect(problem("http://127.0.0.1:9000/events", key(64))).toBeNull();
    const leaky = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ";
    expect(problem(url, leaky)).not.toContain(leaky.slice(6));
    expect(() => resolveOptions({ secret, events: { url, secret: key(16) } })).toThrow(/at least 24 bytes/);
    expect(() => resolveOptions({ secret, events: { url, secret: key(32), timeoutMs: 0 } })).toThrow(/timeoutMs/);
  });
});
