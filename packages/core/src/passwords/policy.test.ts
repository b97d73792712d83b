import { describe, expect, it } from "vitest";
import { defaultOptions } from "../options";
import { authError, authErrorSync, lastCode, PASSWORD } from "../test-helpers";
import { createTestAuth } from "../testing";
import { assertPasswordPolicy, commonPasswordCount, passwordProblem } from "./policy";

const policy = defaultOptions.password;

describe("password policy", () => {
  it("ships a blocklist of at least 10,000 common passwords", () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it("refuses a common password with WEAK_PASSWORD, reason common, whatever its case", () => {
    for (const pw of ["password123", "Password123", "PASSWORD123"]) {
      const e = authErrorSync(() => assertPasswordPolicy(pw, policy));
      expect(e.code).toBe("WEAK_PASSWORD");
      expect(e.detail).toMatchObject({ reason: "common", field: "password" });
    }
  });

  it("refuses 7 characters as too_short and accepts 8", () => {
    expect(authErrorSync(() => assertPasswordPolicy("xK9#mQ2", policy)).detail.reason).toBe("too_short");
    expect(passwordProblem("xK9#mQ2v", policy)).toBeNull();
  });

  it("refuses 129 characters as too_long and accepts 128", () => {
    expect(authErrorSync(() => assertPasswordPolicy("x".repeat(129), policy)).detail.reason).toBe("too_long");
    expect(passwordProblem("x".repeat(128), policy)).toBeNull();
  });

  it("takes a caller's length bounds in place of the service's, and still refuses a common password within them", () => {
    const documented = { minLength: 6, maxLength: 20 };
    expect(() => assertPasswordPolicy("xK9#mQ", policy, documented)).not.toThrow();
    expect(authErrorSync(() => assertPasswordPolicy("xK9#mQ", policy)).detail.reason).toBe("too_short");
    expect(authErrorSync(() => assertPasswordPolicy("xK9#m", policy, documented)).detail.reason).toBe("too_short");
    expect(authErrorSync(() => assertPasswordPolicy("xK9#mQ2v".repeat(2) + "abcde", policy, documented)).detail.reason).toBe("too_long");
    expect(authErrorSync(() => assertPasswordPolicy("123456", policy, documented)).detail.reason).toBe("common");
    expect(authErrorSync(() => assertPasswordPolicy("password123", policy, documented)).detail.reason).toBe("common");
  });

  it("createAccount applies the caller's bounds only when given, and the blocklist within them", async () => {
    const { auth } = createTestAuth();
    const documented = { minLength: 6, maxLength: 20 };
    expect((await authError(auth.createAccount({ email: "ana@example.com", password: "xK9#mQ" }))).detail.reason).toBe("too_short");
    const user = await auth.createAccount({ email: "ana@example.com", password: "xK9#mQ", passwordBounds: documented });
    expect(user.email).toBe("ana@example.com");
    expect((await authError(auth.createAccount({ email: "bo@example.com", password: "qwerty", passwordBounds: documented }))).detail.reason).toBe("common");
  });

  it("counts characters, not UTF-16 units or bytes", () => {
    // 8 emoji are 16 UTF-16 units and 32 bytes, but 8 characters.
    expect(passwordProblem("🔑".repeat(8), policy)).toBeNull();
    expect(passwordProblem("🔑".repeat(7), policy)).toBe("too_short");
    expect(passwordProblem("🔑".repeat(129), policy)).toBe("too_long");
  });

  it("is enforced at sign-up: a weak password creates nothing and sends nothing", async () => {
    const { auth, sql } = createTestAuth();
    const e = await authError(auth.startRegistration({ email: "ana@example.com", password: "password123" }));
    expect(e.code).toBe("WEAK_PASSWORD");
    expect(e.detail.reason).toBe("common");
    expect((await auth.listOutbox("ana@example.com"))).toHaveLength(0);
    expect((await authError(auth.createAccount({ email: "bo@example.com", password: "short" }))).detail.reason).toBe("too_short");
    expect(await sql.get("SELECT count(*) AS n FROM users")).toEqual({ n: 0 });
  });

  it("keeps all 128 characters: a password differing only in character 100 does not sign in", async () => {
    const { auth } = createTestAuth();
    const long = Array.from({ length: 128 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36]).join("");
    const differsAt100 = long.slice(0, 99) + (long[99] === "x" ? "y" : "x") + long.slice(100);
    expect(differsAt100).toHaveLength(128);
    expect(differsAt100).not.toBe(long);
    await auth.createAccount({ email: "long@example.com", password: long });
    await auth.sendEmailVerification("long@example.com");
    await auth.verifyEmailAndSignIn({ email: "long@example.com", code: (await lastCode(auth, "long@example.com")) }, { type: "jwt" });

    const e = await authError(auth.loginWithPassword({ identifier: "long@example.com", password: differsAt100 }, { type: "jwt" }));
    expect(e.code).toBe("INVALID_CREDENTIALS");
    const ok = await auth.loginWithPassword({ identifier: "long@example.com", password: long }, { type: "jwt" });
    expect(ok.user.email).toBe("long@example.com");
  });

  it("accepts the helper's test password (so other tests do not fail on policy)", () => {
    expect(passwordProblem(PASSWORD, policy)).toBeNull();
  });
});
