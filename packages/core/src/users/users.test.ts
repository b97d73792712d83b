import { describe, expect, it } from "vitest";
import { allUsers, PASSWORD, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

describe("account numbers", () => {
  it("gives every user a 12-digit customer id and a unique 10-digit account number, whichever door", async () => {
    const t = createTestAuth();
    const { auth } = t;
    await signUp(auth, { email: "ana@example.com", username: "ana" });
    await auth.createAccount({ email: "bo@example.com", password: PASSWORD });
    await auth.requestPhoneCode({ phone: "0881829915", createIfMissing: true });
    for (let i = 0; i < 150; i++) await auth.createAccount({ phone: `+62812000${String(i).padStart(4, "0")}` });

    const rows = await allUsers(t);
    expect(rows).toHaveLength(153);
    for (const u of rows) {
      const pub = auth.publicUser(u);
      expect(String(pub.customerId)).toMatch(/^[1-9]\d{11}$/);
      expect(pub.accountNumber).toMatch(/^[1-9]\d{9}$/);
    }
    expect(new Set(rows.map((u) => u.accountNumber)).size).toBe(rows.length);
    expect(new Set(rows.map((u) => u.customerNumber)).size).toBe(rows.length);
  });

  it("never shows a hash or secret in the public user", async () => {
    const { auth } = createTestAuth();
    const { user } = await signUp(auth, { email: "ana@example.com" });
    const shown = JSON.stringify(auth.publicUser(user));
    expect(shown).not.toContain("$argon2");
    expect(shown).not.toContain(PASSWORD);
    expect(Object.keys(auth.publicUser(user))).toEqual(expect.arrayContaining(["id", "customerId", "accountNumber"]));
  });
});
