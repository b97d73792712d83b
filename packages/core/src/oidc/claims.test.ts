import { describe, expect, it } from "vitest";
import { phoneSignIn, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

describe("the claims the OpenID provider gives", () => {
  it("are the proven email and phone, and the profile of an account that holds one", async () => {
    const { auth } = createTestAuth();
    const ana = await signUp(auth, { email: "ana@example.com", username: "ana" });
    await auth.ctx.store.users.update(ana.user.id, { fullName: "Ana Lestari", phone: "+6281234567890" });
    expect(await auth.oidc.accountClaims(String(ana.user.id))).toEqual({
      sub: String(ana.user.id),
      email: "ana@example.com",
      email_verified: true,
      name: "Ana Lestari",
      preferred_username: "ana",
    });
  });

  it("leave out an unproven email, and the profile while nothing is proven", async () => {
    const { auth } = createTestAuth();
    const budi = await phoneSignIn(auth, "0881829915");
    await auth.ctx.store.users.update(budi.user.id, { email: "budi@example.com", fullName: "Budi" });
    expect(await auth.oidc.accountClaims(String(budi.user.id))).toEqual({
      sub: String(budi.user.id),
      phone_number: "+62881829915",
      phone_number_verified: true,
      name: "Budi",
    });
    await auth.ctx.store.users.update(budi.user.id, { phoneVerifiedAt: null });
    expect(await auth.oidc.accountClaims(String(budi.user.id))).toEqual({ sub: String(budi.user.id) });
  });

  it("are nothing for a disabled account, an unknown one or a malformed id", async () => {
    const { auth } = createTestAuth();
    const ana = await signUp(auth, { email: "ana@example.com" });
    await auth.ctx.store.users.update(ana.user.id, { status: "DISABLED" });
    expect(await auth.oidc.accountClaims(String(ana.user.id))).toBeUndefined();
    for (const id of ["999", "0", "-1", "1.5", "01x", "", "99999999999"]) expect(await auth.oidc.accountClaims(id)).toBeUndefined();
  });
});
