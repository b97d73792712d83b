import { describe, expect, it } from "vitest";
import { apiHeaders, newNonce, pageCsp, pageHeaders } from "./security-headers";

const names = (list: readonly (readonly [string, string])[]) => list.map(([n]) => n);

describe("security headers (issue 10)", () => {
  it("API answers: nothing may load, frame or sniff; HSTS only over https", () => {
    expect(Object.fromEntries(apiHeaders(false))).toEqual({
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    expect(Object.fromEntries(apiHeaders(true))["strict-transport-security"]).toMatch(/^max-age=\d{7,}/);
    // Built once: the token check's fast path copies, never builds.
    expect(apiHeaders(true)).toBe(apiHeaders(true));
  });

  it("pages: a nonce policy without unsafe-inline or unsafe-eval in production; dev adds what Next's dev mode needs", () => {
    const nonce = newNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(nonce);
    const prod = pageCsp(nonce, { secure: false, dev: false });
    expect(prod).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(prod).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(prod).toContain("frame-ancestors 'none'");
    expect(prod).toContain("object-src 'none'");
    expect(prod).toContain("base-uri 'none'");
    expect(prod).not.toMatch(/unsafe-(inline|eval)/);
    expect(prod).not.toContain("upgrade-insecure-requests");
    expect(pageCsp(nonce, { secure: true, dev: false })).toContain("upgrade-insecure-requests");
    expect(pageCsp(nonce, { secure: false, dev: true })).toMatch(/script-src [^;]*'unsafe-eval'/);

    const plain = Object.fromEntries(pageHeaders(prod, false));
    expect(plain).toMatchObject({
      "content-security-policy": prod,
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
    expect(names(pageHeaders(prod, false))).not.toContain("strict-transport-security");
    expect(names(pageHeaders(prod, true))).toContain("strict-transport-security");
  });
});
