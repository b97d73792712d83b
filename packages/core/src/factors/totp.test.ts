import { createSecretKey, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { matchingStep, newTotpSecret, openSecret, sealSecret, stepAt, totpUri } from "./totp";

// RFC 6238, appendix B: the SHA-1 seed "12345678901234567890", eight-digit codes. A six-digit
// code is the same value modulo 10^6, so its last six digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(RFC_VECTORS)("accepts the RFC's code at T = %i s, for that time's step", (seconds, eight) => {
    const now = seconds * 1000;
    expect(matchingStep(RFC_SECRET, eight.slice(2), now)).toBe(stepAt(now));
  });

  it("allows one step of drift either way, and no more", () => {
    const [seconds, eight] = RFC_VECTORS[2]!;
    const code = eight.slice(2);
    const step = stepAt(seconds * 1000);
    expect(matchingStep(RFC_SECRET, code, (seconds + 30) * 1000)).toBe(step);
    expect(matchingStep(RFC_SECRET, code, (seconds - 30) * 1000)).toBe(step);
    expect(matchingStep(RFC_SECRET, code, (seconds + 61) * 1000)).toBeNull();
    expect(matchingStep(RFC_SECRET, code, (seconds - 61) * 1000)).toBeNull();
  });

  it("refuses what is not six digits, and a wrong code", () => {
    const now = 59_000;
    for (const code of ["", "28708", "2870822", "28708a", " 287082", "94287082"]) expect(matchingStep(RFC_SECRET, code, now)).toBeNull();
    expect(matchingStep(RFC_SECRET, "287083", now)).toBeNull();
  });

  it("makes 160-bit secrets and an otpauth URI an app reads", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, "Bank Co", "ana@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Bank Co");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});

describe("the secret at rest", () => {
  const key = createSecretKey(randomBytes(32));

  it("is sealed (no trace of the secret), opens for its own account only, and not with another key", () => {
    const secret = newTotpSecret();
    const sealed = sealSecret(key, 7, secret);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString("base64url"));
    expect(sealSecret(key, 7, secret)).not.toBe(sealed);
    expect(openSecret(key, 7, sealed)).toBe(secret);
    expect(openSecret(key, 8, sealed)).toBeNull();
    expect(openSecret(createSecretKey(randomBytes(32)), 7, sealed)).toBeNull();
  });

  it("does not open when altered", () => {
    const sealed = sealSecret(key, 7, newTotpSecret());
    const parts = sealed.split(".");
    const body = Buffer.from(parts[2]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(openSecret(key, 7, [parts[0], parts[1], body.toString("base64url"), parts[3]].join("."))).toBeNull();
    expect(openSecret(key, 7, "v0" + sealed.slice(2))).toBeNull();
    expect(openSecret(key, 7, "garbage")).toBeNull();
  });
});
