import { createSecretKey, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from "./recovery-codes";

describe("recovery codes", () => {
  it("are distinct, two groups of five from an alphabet without look-alikes", () => {
    const codes = newRecoveryCodes(10);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  });

  it("read as typed: any case, with spaces or without the dash; anything else is no code", () => {
    const [code] = newRecoveryCodes(1) as [string];
    const plain = code.replace("-", "");
    expect(normalizeRecoveryCode(code)).toBe(plain);
    expect(normalizeRecoveryCode(code.toLowerCase())).toBe(plain);
    expect(normalizeRecoveryCode(` ${plain.slice(0, 3)} ${plain.slice(3)} `)).toBe(plain);
    for (const bad of ["", "ABCDE-FGHJ", "ABCDE-FGHJK2", "ABCDE-FGHJ1", "ABCDE-FGHJO"]) expect(normalizeRecoveryCode(bad)).toBeNull();
  });

  it("are stored as keyed hashes: the same code under another key hashes otherwise", () => {
    const key = createSecretKey(randomBytes(32));
    const hash = recoveryCodeHash(key, "ABCDEFGHJK");
    expect(hash).not.toContain("ABCDEFGHJK");
    expect(recoveryCodeHash(key, "ABCDEFGHJK")).toBe(hash);
    expect(recoveryCodeHash(createSecretKey(randomBytes(32)), "ABCDEFGHJK")).not.toBe(hash);
  });
});
