import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveKey, hmac } from "./secrets";

describe("derived keys", () => {
  it("are HMAC-SHA256(secret, 'authsvc:<label>'), so tokens and stored code digests survive an upgrade", () => {
    const secret = "s".repeat(40);
    const raw = createHmac("sha256", secret).update("authsvc:code").digest();
    expect(deriveKey(secret, "code").export()).toEqual(raw);
    expect(hmac(deriveKey(secret, "code"), "42|login|+6281|7|123456")).toBe(
      createHmac("sha256", raw).update("42|login|+6281|7|123456").digest("base64url"),
    );
    expect(deriveKey(secret, "access-token").export()).not.toEqual(raw);
  });
});
