import { describe, expect, it } from "vitest";
import { authError, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";
import { redirectUriProblem } from "./clients";

describe("OpenID clients", () => {
  it("are registered with a secret shown once and kept only as its keyed hash", async () => {
    const { auth, sql } = createTestAuth();
    const { client, secret } = await auth.oidc.registerClient(
      { name: "  Shop  ", redirectUris: ["https://shop.example/cb", "https://shop.example/cb"], postLogoutRedirectUris: ["https://shop.example/"] },
      { via: "cli" },
    );
    expect(client).toMatchObject({ name: "Shop", redirectUris: ["https://shop.example/cb"], kind: "confidential", revokedAt: null });
    expect(client.id).toMatch(/^[\w-]{22}$/);
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(client).not.toHaveProperty("secretHash");
    const [row] = await sql.all("SELECT * FROM oidc_clients");
    expect(JSON.stringify(row)).not.toContain(secret!);
    expect(auth.oidc.clientSecretMatches(secret!, row!.secret_hash as string)).toBe(true);
    // The stored hash is not a secret that works, nor is anything else.
    expect(auth.oidc.clientSecretMatches(row!.secret_hash as string, row!.secret_hash as string)).toBe(false);
    expect(auth.oidc.clientSecretMatches(`${secret}x`, row!.secret_hash as string)).toBe(false);
    expect(auth.oidc.clientSecretMatches(secret!, null)).toBe(false);
    const [event] = await auth.ctx.store.audit.list({ kind: "oidc_client_registered", limit: 1 });
    expect(JSON.stringify(event)).not.toContain(secret!);
  });

  it("a public one has no secret", async () => {
    const { auth } = createTestAuth();
    const { client, secret } = await auth.oidc.registerClient({ name: "App", redirectUris: ["com.example.app:/cb"], public: true }, { via: "cli" });
    expect(secret).toBeNull();
    expect(client.kind).toBe("public");
  });

  it("refuse redirect URIs that would leak a code", async () => {
    expect(redirectUriProblem("https://a.example/cb?x=1", false)).toBeNull();
    expect(redirectUriProblem("http://localhost:8080/cb", false)).toBeNull();
    expect(redirectUriProblem("http://127.0.0.1/cb", false)).toBeNull();
    expect(redirectUriProblem("http://a.example/cb", false)).toMatch(/https/);
    expect(redirectUriProblem("https://a.example/cb#x", false)).toMatch(/fragment/);
    expect(redirectUriProblem("https://u:p@a.example/cb", false)).toMatch(/user name/);
    expect(redirectUriProblem("/cb", false)).toMatch(/absolute/);
    expect(redirectUriProblem("com.example.app:/cb", false)).not.toBeNull();
    expect(redirectUriProblem("com.example.app:/cb", true)).toBeNull();
    expect(redirectUriProblem("javascript:alert(1)", true)).not.toBeNull();
    const { auth } = createTestAuth();
    expect((await authError(auth.oidc.registerClient({ name: "x", redirectUris: [] }, { via: "cli" }))).code).toBe("INVALID_INPUT");
    expect((await authError(auth.oidc.registerClient({ name: "", redirectUris: ["https://a.example/"] }, { via: "cli" }))).code).toBe("INVALID_INPUT");
    expect((await authError(auth.oidc.registerClient({ name: "x", redirectUris: ["http://a.example/"] }, { via: "cli" }))).code).toBe("INVALID_INPUT");
  });

  it("are listed and revoked by admins only; a revoked client is no longer live", async () => {
    const { auth } = createTestAuth();
    const { client } = await auth.oidc.registerClient({ name: "Shop", redirectUris: ["https://shop.example/cb"] }, { via: "cli" });
    const boss = await signUp(auth, { email: "boss@example.com", username: "boss" });
    const bossP = await auth.authenticate(boss.token);
    expect((await authError(auth.adminListOidcClients(bossP))).code).toBe("FORBIDDEN");
    expect((await authError(auth.adminRevokeOidcClient(bossP, client.id))).code).toBe("FORBIDDEN");
    await auth.grantAdminFromCli("boss");
    const admin = await auth.authenticate(boss.token);
    expect((await auth.adminListOidcClients(admin)).map((c) => c.id)).toEqual([client.id]);
    expect(await auth.oidc.liveClient(client.id)).toBeDefined();
    // A sign-in long ago is no proof for it: step-up first.
    await auth.ctx.store.sessions.markAuthenticated(admin.session!.id, Date.now() - 60 * 60_000);
    expect((await authError(auth.adminRevokeOidcClient(await auth.authenticate(boss.token), client.id))).code).toBe("STEP_UP_REQUIRED");
    await auth.ctx.store.sessions.markAuthenticated(admin.session!.id, Date.now());
    await auth.adminRevokeOidcClient(await auth.authenticate(boss.token), client.id, { ip: "192.0.2.1" });
    expect(await auth.oidc.liveClient(client.id)).toBeUndefined();
    expect((await authError(auth.adminRevokeOidcClient(admin, client.id))).code).toBe("NOT_FOUND");
    expect((await authError(auth.oidc.revokeClient("nobody", { via: "cli" }))).code).toBe("NOT_FOUND");
    expect((await auth.oidc.listClients())[0]!.revokedAt).not.toBeNull();
    const [event] = await auth.ctx.store.audit.list({ kind: "oidc_client_revoked", limit: 1 });
    expect(event).toMatchObject({ userId: boss.user.id, detail: { clientId: client.id, via: "admin" } });
  });
});
