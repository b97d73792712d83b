/**
 * Hole 8 (proxy part): with a proxy configured, a forwarded address counts only when the
 * hop that forwarded it is one of the operator's proxies. Every request goes through the
 * fetch handler with the socket's address given, as the server gives it.
 */
import { describe, expect, it } from "vitest";
import { compileTrustProxy, forwardedFor, trustNobody } from "./index";
import { expectWireError, PASSWORD, setup } from "./test/harness";

const ONE_SEND = { limits: { codeSendPerIp: { max: 1, windowSec: 3600 } } };
const PROXY = "10.0.0.1";

function behind(trusted: string[]) {
  return setup({ handler: { trustProxy: compileTrustProxy(trusted) }, options: ONE_SEND });
}

const sendCode = (h: ReturnType<typeof setup>, phone: string, from: string, xff?: string) =>
  h.mutate("auth.requestPhoneCode", { phone }, { remoteAddress: from, headers: xff ? { "x-forwarded-for": xff } : {} });

describe("TRUST_PROXY names the proxies", () => {
  it("an untrusted peer's X-Forwarded-For is ignored: limits and audit count the peer", async () => {
    const h = behind([PROXY]);
    expect((await sendCode(h, "081234567890", "203.0.113.9", "1.2.3.4")).status).toBe(200);
    // A fresh forwarded address per request would be a fresh bucket if the header were believed.
    expectWireError(await sendCode(h, "081234567891", "203.0.113.9", "5.6.7.8"), 429, "RATE_LIMITED");
    const ips = new Set((await h.auditRows()).map((r) => r.ip));
    expect([...ips]).toEqual(["203.0.113.9"]);
  });

  it("a trusted proxy's forwarded address counts, one bucket per client behind it", async () => {
    const h = behind([PROXY]);
    expect((await sendCode(h, "081234567890", PROXY, "198.51.100.1")).status).toBe(200);
    expect((await sendCode(h, "081234567891", PROXY, "198.51.100.2")).status).toBe(200);
    expectWireError(await sendCode(h, "081234567892", PROXY, "198.51.100.1"), 429, "RATE_LIMITED");
    expect(new Set((await h.auditRows()).map((r) => r.ip))).toEqual(new Set(["198.51.100.1", "198.51.100.2"]));
  });

  it("walks a chain through two trusted proxies to the client", async () => {
    const h = behind(["10.0.0.0/8"]);
    // client 198.51.100.7 -> proxy 10.0.0.2 -> proxy 10.0.0.1 -> us
    expect((await sendCode(h, "081234567890", "10.0.0.1", "198.51.100.7, 10.0.0.2")).status).toBe(200);
    expect(new Set((await h.auditRows()).map((r) => r.ip))).toEqual(new Set(["198.51.100.7"]));
    expectWireError(await sendCode(h, "081234567891", "10.0.0.1", "198.51.100.7,10.0.0.3"), 429, "RATE_LIMITED");
  });

  it("entries the client wrote left of the first untrusted hop are ignored", async () => {
    const h = behind(["10.0.0.0/8"]);
    // The client sends its own X-Forwarded-For; the proxy appends the address it saw.
    expect((await sendCode(h, "081234567890", PROXY, "1.1.1.1, 198.51.100.7")).status).toBe(200);
    expectWireError(await sendCode(h, "081234567891", PROXY, "2.2.2.2, 10.9.9.9, 198.51.100.7"), 429, "RATE_LIMITED");
    expect(new Set((await h.auditRows()).map((r) => r.ip))).toEqual(new Set(["198.51.100.7"]));
  });

  it("proxy-addr's names work: loopback trusts 127.0.0.1 and ::1, not a public peer", async () => {
    const h = behind(["loopback"]);
    expect((await sendCode(h, "081234567890", "::1", "198.51.100.8")).status).toBe(200);
    expect((await sendCode(h, "081234567891", "::ffff:127.0.0.1", "198.51.100.9")).status).toBe(200);
    expect((await sendCode(h, "081234567892", "192.0.2.1", "198.51.100.10")).status).toBe(200);
    expect(new Set((await h.auditRows()).map((r) => r.ip))).toEqual(new Set(["198.51.100.8", "198.51.100.9", "192.0.2.1"]));
  });

  it("X-Forwarded-Proto makes the cookie Secure only from a trusted peer", async () => {
    const login = async (from: string) => {
      const h = setup({ handler: { trustProxy: compileTrustProxy([PROXY]) } });
      await h.registerAndVerify({ email: "ana@example.com" });
      const res = await h.mutate(
        "auth.loginWithPassword",
        { identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" },
        { remoteAddress: from, headers: { "x-forwarded-proto": "https" } },
      );
      expect(res.status, res.text).toBe(200);
      return res.headers.get("set-cookie") ?? "";
    };
    expect(await login(PROXY)).toMatch(/Secure/);
    expect(await login("203.0.113.9")).not.toMatch(/Secure/);
  });
});

describe("forwardedFor", () => {
  it("trusts nobody by default and costs nothing without a header", () => {
    expect(forwardedFor("203.0.113.9", "1.2.3.4", trustNobody)).toBe("203.0.113.9");
    expect(forwardedFor("10.0.0.1", undefined, compileTrustProxy([PROXY]))).toBe("10.0.0.1");
    expect(forwardedFor("10.0.0.1", "", compileTrustProxy([PROXY]))).toBe("10.0.0.1");
  });

  it("stops at the left end of the header when every hop is trusted", () => {
    expect(forwardedFor("10.0.0.1", "10.0.0.2, 10.0.0.3", compileTrustProxy(["10.0.0.0/8"]))).toBe("10.0.0.2");
  });

  it("an unreadable entry is a hop that is not trusted", () => {
    expect(forwardedFor("10.0.0.1", "198.51.100.7, not-an-ip", compileTrustProxy(["10.0.0.0/8"]))).toBe("not-an-ip");
  });

  it("refuses entries it cannot read", () => {
    expect(() => compileTrustProxy(["10.0.0.0/33"])).toThrow(TypeError);
    expect(() => compileTrustProxy(["proxy.example.com"])).toThrow(TypeError);
    expect(() => compileTrustProxy([""])).toThrow(TypeError);
  });
});
