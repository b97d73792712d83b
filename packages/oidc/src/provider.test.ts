import { phoneSignIn, signUp } from "@authsvc/core/test-helpers";
import * as oc from "openid-client";
import { describe, expect, it } from "vitest";
import { application, authorization, Browser, REDIRECT, signInAndConsent, startProvider, type Started } from "./test/harness";

async function signedInBrowser(s: Started, email = "ana@example.com") {
  const ana = await signUp(s.auth, { email, username: "ana" });
  await s.auth.ctx.store.users.update(ana.user.id, { fullName: "Ana Lestari", phone: "+6281234567890" });
  return { ana, browser: new Browser(s.issuer, ana.token) };
}

/** A whole code flow up to the tokens. */
async function tokensFor(s: Started, app: Awaited<ReturnType<typeof application>>, browser: Browser) {
  const start = await authorization(app.config);
  const callback = await signInAndConsent(browser, start.url);
  const tokens = await oc.authorizationCodeGrant(app.config, new URL(callback), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
  });
  return { start, callback, tokens };
}

/** A token request by hand, for what openid-client would refuse to send. */
async function tokenRequest(s: Started, app: Awaited<ReturnType<typeof application>>, body: Record<string, string>, secret = app.secret) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (secret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(app.client.id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
  const res = await fetch(`${s.issuer}/oidc/token`, { method: "POST", headers, body: new URLSearchParams(secret ? body : { client_id: app.client.id, ...body }) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const userinfoStatus = async (s: Started, accessToken: string) =>
  (await fetch(`${s.issuer}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

describe("discovery", () => {
  it("passes the basic checks of the OpenID conformance suite", async () => {
    const s = await startProvider();
    const res = await fetch(`${s.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d.issuer).toBe(s.issuer);
    for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint", "revocation_endpoint"]) {
      expect(new URL(d[field] as string).origin, field).toBe(s.issuer);
    }
    expect(d.jwks_uri).toBe(`${s.issuer}/.well-known/jwks.json`);
    expect(d.userinfo_endpoint).toBe(`${s.issuer}/oidc/me`);
    expect(d.response_types_supported).toEqual(["code"]);
    expect(d.subject_types_supported).toEqual(["public"]);
    expect(d.id_token_signing_alg_values_supported).toContain("RS256");
    expect(d.id_token_signing_alg_values_supported).not.toContain("HS256");
    expect(d.id_token_signing_alg_values_supported).not.toContain("none");
    expect(d.code_challenge_methods_supported).toEqual(["S256"]);
    expect(d.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    expect(d.scopes_supported).toEqual(expect.arrayContaining(["openid", "offline_access", "profile", "email", "phone"]));
    expect(d.claims_supported).toEqual(expect.arrayContaining(["sub", "email", "email_verified", "phone_number", "phone_number_verified", "name", "preferred_username"]));
    expect(d.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(["client_secret_basic", "client_secret_post", "none"]));
    expect(d.registration_endpoint).toBeUndefined();
    const jwks = (await (await fetch(d.jwks_uri as string)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.some((k) => k.alg === "RS256" && k.kty === "RSA" && k.kid)).toBe(true);
    for (const key of jwks.keys) for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(key[secret]).toBeUndefined();
  });

  it("with an https public URL: every endpoint absolute https on the issuer, the basic checks of the OpenID conformance suite", async () => {
    const s = await startProvider({}, "https://auth.example.test");
    const d = (await (await fetch(`${s.address}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    // OIDCC discovery: issuer exactly the URL the document was found under, without a trailing slash.
    expect(d.issuer).toBe("https://auth.example.test");
    // Required fields (OpenID Connect Discovery 1.0, 3).
    for (const field of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"]) {
      expect(d[field], field).toBeDefined();
    }
    // Every endpoint absolute and https.
    const endpoints = Object.entries(d).filter(([k]) => k.endsWith("_endpoint") || k === "jwks_uri");
    expect(endpoints.length).toBeGreaterThanOrEqual(6);
    for (const [k, v] of endpoints) expect(new URL(v as string).origin, k).toBe("https://auth.example.test");
    expect(d.scopes_supported).toContain("openid");
    expect(d.claims_supported).toContain("sub");
    expect(d.response_types_supported).toContain("code");
    expect(d.grant_types_supported).toContain("authorization_code");
    expect(d.response_modes_supported).toEqual(expect.arrayContaining(["query"]));
    expect(d.subject_types_supported).toEqual(expect.arrayContaining(["public"]));
    expect(d.id_token_signing_alg_values_supported).toContain("RS256");
    expect(d.id_token_signing_alg_values_supported).not.toContain("none");
    expect(d.token_endpoint_auth_methods_supported).not.toContain("client_secret_jwt");
    expect(d.claims_parameter_supported).toBe(false);
  });
});

describe("the authorization code flow", () => {
  it("signs in, consents, then gives tokens, userinfo from proven identifiers, refresh with rotation, and logs out", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { ana, browser } = await signedInBrowser(s);
    const { tokens } = await tokensFor(s, app, browser);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(String(ana.user.id));
    expect(claims.iss).toBe(s.issuer);
    expect(claims.aud).toBe(app.client.id);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expires_in).toBeLessThanOrEqual(s.auth.options.accessTokenTtlSec);

    const info = await oc.fetchUserInfo(app.config, tokens.access_token, claims.sub);
    // The phone is unproven: not given.
    expect(info).toEqual({
      sub: String(ana.user.id),
      email: "ana@example.com",
      email_verified: true,
      name: "Ana Lestari",
      preferred_username: "ana",
    });

    const refreshed = await oc.refreshTokenGrant(app.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.sub).toBe(String(ana.user.id));
    expect(await userinfoStatus(s, refreshed.access_token)).toBe(200);

    // The rotated-out refresh token, used again: refused, and the whole grant revoked.
    const replay = await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token! });
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    await expect.poll(async () => (await s.auth.ctx.store.audit.list({ kind: "oidc_token_reuse", limit: 5 })).map((e) => [e.userId, e.detail])).toEqual([
      [ana.user.id, { clientId: app.client.id, what: "refresh_token" }],
    ]);
    expect(await userinfoStatus(s, refreshed.access_token)).toBe(401);
    expect((await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: refreshed.refresh_token! })).status).toBe(400);

    // RP-initiated logout: our confirmation page, then back to the application.
    const end = oc.buildEndSessionUrl(app.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "https://shop.example/bye", state: "s1" });
    const confirm = await browser.request(end.href);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("op.logoutForm");
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)![1]!;
    const done = await browser.request("/oidc/session/end/confirm", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf, logout: "yes" }),
    });
    expect(done.status).toBe(303);
    const back = await browser.follow(done.headers.get("location")!);
    expect(back).toBe("https://shop.example/bye?state=s1");
    // Signed out of this service on this browser too.
    expect(browser.cookies.has("authsvc_session")).toBe(false);
    await expect.poll(() => s.auth.authenticate(ana.token).then(() => "live", () => "ended")).toBe("ended");
  });

  it("works for a public client with PKCE and no secret", async () => {
    const s = await startProvider();
    const app = await application(s, "public");
    const { browser } = await signedInBrowser(s);
    const { tokens } = await tokensFor(s, app, browser);
    expect(tokens.access_token).toBeTruthy();
    expect(app.secret).toBeNull();
  });

  it("sends a visitor who is not signed in to our sign-in page, and back here after it", async () => {
    const s = await startProvider();
    const app = await application(s);
    const browser = new Browser(s.issuer);
    const page = await browser.follow((await authorization(app.config)).url);
    expect(page).toMatch(/\/oidc\/interaction\/[\w-]+$/);
    const view = await s.handler.interactionView(new URL(page).pathname.split("/").pop()!, null);
    expect(view).toMatchObject({ prompt: "login", client: { name: "Shop" }, scopes: ["openid", "profile", "email", "phone", "offline_access"], signedIn: null });
    const res = await browser.request(`${new URL(page).pathname}/login`, { method: "POST" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(new URL(page).pathname)}`);
  });

  it("asks for a fresh sign-in with prompt=login, and takes one made after the request", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser, ana } = await signedInBrowser(s);
    const start = await authorization(app.config, { prompt: "login consent" });
    const page = await browser.follow(start.url);
    const uid = new URL(page).pathname.split("/").pop()!;
    // The sign-in behind the browser's session was made before the request: not fresh enough.
    const principal = await s.auth.authenticate(ana.token);
    await s.auth.ctx.store.sessions.markAuthenticated(principal.session!.id, Date.now() - 60_000);
    expect((await s.handler.interactionView(uid, await s.auth.authenticate(ana.token)))?.signedIn).toMatchObject({ fresh: false });
    const res = await browser.request(`/oidc/interaction/${uid}/login`, { method: "POST" });
    expect(res.headers.get("location")).toBe(`/login?fresh=1&next=${encodeURIComponent(`/oidc/interaction/${uid}`)}`);
    await s.auth.ctx.store.sessions.markAuthenticated(principal.session!.id, Date.now() + 1000);
    const consent = await browser.press(page, "login");
    const callback = await browser.press(consent, "confirm");
    expect(callback).toContain("code=");
  });

  it("signs nobody in from the provider's session once they signed out of this service", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser, ana } = await signedInBrowser(s);
    await tokensFor(s, app, browser);
    // Still signed in here: prompt=none works (the grant covers the scopes asked).
    const silent = await authorization(app.config, { prompt: "none", scope: "openid email" });
    expect(new URL(await browser.follow(silent.url)).searchParams.get("code")).toBeTruthy();
    await s.auth.logout(await s.auth.authenticate(ana.token));
    const after = await authorization(app.config, { prompt: "none", scope: "openid email" });
    expect(new URL(await browser.follow(after.url)).searchParams.get("error")).toBe("login_required");
    const page = await browser.follow((await authorization(app.config, { scope: "openid email" })).url);
    expect(page).toMatch(/\/oidc\/interaction\//);
    expect((await s.handler.interactionView(new URL(page).pathname.split("/").pop()!, null))?.prompt).toBe("login");
  });

  it("ends with access_denied when the person says no", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    const start = await authorization(app.config);
    const consent = await browser.press(await browser.follow(start.url), "login");
    const callback = new URL(await browser.press(consent, "abort"));
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(start.state);
  });

  it("refuses a button pressed from another site or by a browser that did not start the interaction", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser, ana } = await signedInBrowser(s);
    const page = await browser.follow((await authorization(app.config)).url);
    const path = `${new URL(page).pathname}/login`;
    expect((await browser.request(path, { method: "POST", headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await new Browser(s.issuer, ana.token).request(path, { method: "POST" })).status).toBe(400);
  });
});

describe("signing keys", () => {
  it("sign ID tokens with core's current RS256 key, and a rotation is picked up at once", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString()) as { kid: string; alg: string });
    const rs256 = async () => (await s.auth.keys.list()).filter((k) => k.alg === "RS256").sort((a, b) => b.activatesAt - a.activatesAt)[0]!.kid;
    const first = (await tokensFor(s, app, browser)).tokens;
    expect(kidOf(first.id_token!)).toEqual({ alg: "RS256", kid: await rs256() });
    await s.auth.keys.rotate({ activateInMs: 0 });
    const second = (await tokensFor(s, app, browser)).tokens;
    expect(kidOf(second.id_token!).kid).toBe(await rs256());
    expect(kidOf(second.id_token!).kid).not.toBe(kidOf(first.id_token!).kid);
  });
});

describe("refusals", () => {
  it("a replayed code: refused, and the tokens of its grant revoked", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    const { start, callback, tokens } = await tokensFor(s, app, browser);
    const code = new URL(callback).searchParams.get("code")!;
    const again = await tokenRequest(s, app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: start.verifier });
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await userinfoStatus(s, tokens.access_token)).toBe(401);
    await expect.poll(async () => (await s.auth.ctx.store.audit.list({ kind: "oidc_token_reuse", limit: 5 })).map((e) => e.detail)).toEqual([
      { clientId: app.client.id, what: "authorization_code" },
    ]);
    expect((await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token! })).status).toBe(400);
  });

  it("two requests racing with one code: one gets tokens, the other is refused and the grant revoked", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    const start = await authorization(app.config);
    const code = new URL(await signInAndConsent(browser, start.url)).searchParams.get("code")!;
    const body = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: start.verifier };
    const results = await Promise.all([tokenRequest(s, app, body), tokenRequest(s, app, body), tokenRequest(s, app, body)]);
    const won = results.filter((r) => r.status === 200);
    expect(won.length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error === "invalid_grant")).toBe(true);
    for (const w of won) expect(await userinfoStatus(s, w.body.access_token!)).toBe(401);
  });

  it("a wrong redirect_uri: at the authorization endpoint an error page (never a redirect), at the token endpoint invalid_grant", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    const bad = await authorization(app.config, { redirect_uri: "https://evil.example/cb" });
    const res = await browser.request(bad.url);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("redirect_uri");

    const start = await authorization(app.config);
    const code = new URL(await signInAndConsent(browser, start.url)).searchParams.get("code")!;
    const wrong = await tokenRequest(s, app, { grant_type: "authorization_code", code, redirect_uri: "https://shop.example/other", code_verifier: start.verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("a missing or wrong PKCE verifier, and a request without a challenge", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    for (const verifier of [undefined, oc.randomPKCECodeVerifier()]) {
      const start = await authorization(app.config);
      const code = new URL(await signInAndConsent(browser, start.url)).searchParams.get("code")!;
      const res = await tokenRequest(s, app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...(verifier ? { code_verifier: verifier } : {}) });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("invalid_grant");
    }
    const noChallenge = new URL((await authorization(app.config)).url);
    noChallenge.searchParams.delete("code_challenge");
    noChallenge.searchParams.delete("code_challenge_method");
    const back = new URL(await browser.follow(noChallenge.href));
    expect(back.searchParams.get("error")).toBe("invalid_request");
    const plain = new URL((await authorization(app.config)).url);
    plain.searchParams.set("code_challenge_method", "plain");
    expect(new URL(await browser.follow(plain.href)).searchParams.get("error")).toBe("invalid_request");
  });

  it("an unknown client, and a client revoked after its tokens were given", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser } = await signedInBrowser(s);
    const unknown = new URL((await authorization(app.config)).url);
    unknown.searchParams.set("client_id", "no-such-client");
    const res = await browser.request(unknown.href);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    // Ids no row can hold (PostgreSQL refuses a NUL in a query) are unknown ones too, never a 500.
    unknown.searchParams.set("client_id", "no\u0000such");
    expect((await browser.request(unknown.href)).status).toBe(400);
    expect((await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: "nul\u0000token" })).body.error).toBe("invalid_grant");
    expect(s.errors).toEqual([]);

    const { tokens } = await tokensFor(s, app, browser);
    await s.auth.oidc.revokeClient(app.client.id, { via: "cli" });
    expect(await userinfoStatus(s, tokens.access_token)).toBe(401);
    const refresh = await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token! });
    expect(refresh).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect((await browser.request((await authorization(app.config)).url)).status).toBe(400);
  });

  it("the raw secret authenticates a client; the stored hash, presented as the secret, does not", async () => {
    const s = await startProvider();
    const app = await application(s);
    const [row] = await s.sql.all("SELECT secret_hash FROM oidc_clients");
    const hash = row!.secret_hash as string;
    const asHash = await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: "x" }, hash);
    expect(asHash).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    const asSecret = await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: "x" });
    // Authenticated; the refresh token is what is wrong.
    expect(asSecret).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("a disabled account gets nothing more", async () => {
    const s = await startProvider();
    const app = await application(s);
    const { browser, ana } = await signedInBrowser(s);
    const { tokens } = await tokensFor(s, app, browser);
    await s.auth.ctx.store.users.update(ana.user.id, { status: "DISABLED" });
    expect(await userinfoStatus(s, tokens.access_token)).toBe(401);
    expect((await tokenRequest(s, app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token! })).status).toBe(400);
  });

  it("gives a phone-only account its proven number", async () => {
    const s = await startProvider();
    const app = await application(s);
    const budi = await phoneSignIn(s.auth, "0881829915");
    const { tokens } = await tokensFor(s, app, new Browser(s.issuer, budi.token));
    const info = await oc.fetchUserInfo(app.config, tokens.access_token, tokens.claims()!.sub);
    expect(info).toEqual({ sub: String(budi.user.id), phone_number: "+62881829915", phone_number_verified: true });
  });
});
