import { describe, expect, it } from "vitest";
import { createTestAuth } from "./testing";

describe("smoke", () => {
  it("registers, verifies and authenticates", async () => {
    const { auth } = createTestAuth();
    const p = await auth.startRegistration({ email: "Ana@Example.com", password: "correct horse battery", username: "ana" });
    const [msg] = auth.listOutbox("ana@example.com");
    expect(msg?.code).toMatch(/^\d{6}$/);
    const s = await auth.completeRegistration({ verificationId: p.verificationId, code: msg!.code! }, { type: "jwt" });
    const who = auth.authenticate(s.token);
    expect(who.user.email).toBe("ana@example.com");
    expect(auth.publicUser(who.user).accountNumber).toMatch(/^\d{10}$/);
  });
});
