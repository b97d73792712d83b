import { expect, test } from "@playwright/test";
import { newAccount, newContext, signUpByApi, submitPasswordLogin } from "./support/accounts";
import { expectAccessible } from "./support/checks";
import { makeAdmin } from "./support/database";
import { arrived, visit } from "./support/page";
import { registerApplication, startRelyingParty } from "./support/relying-party";

/**
 * "Sign in with authsvc": an application built with openid-client, started here, against the
 * production server (on SQLite, and on two PostgreSQL instances behind a balancer, where
 * consecutive requests land on different instances): discovery, the authorization request
 * with PKCE, our sign-in and consent pages, the code for tokens, userinfo, refresh with
 * rotation, and RP-initiated logout.
 */
test("an application signs a person in through our pages, then refreshes and logs out", async ({ browser }) => {
  const base = process.env.E2E_BASE_URL!;
  const rp = await startRelyingParty(base, "Toko Test");
  try {
    const account = newAccount("oidc");
    const setup = await newContext(browser);
    await signUpByApi(setup, account);
    await setup.close();

    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${rp.base}/start`);
    // Nobody is signed in here: our interaction page, then our own sign-in page.
    await arrived(page, /\/oidc\/interaction\/[\w-]+$/);
    const interaction = page.url();
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to Toko Test" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await arrived(page, /\/login\?next=/);
    await submitPasswordLogin(page, account.email, account.password);
    // Back on the interaction, signed in: go on as that person.
    await arrived(page, new RegExp(`${interaction.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    await page.getByRole("button", { name: `Continue as ${account.fullName}` }).click();

    // Consent: the application's name and the scopes in plain words.
    await arrived(page, /\/oidc\/interaction\/[\w-]+$/);
    await expect(page.getByRole("heading", { level: 1, name: "Allow Toko Test?" })).toBeVisible();
    await expect(page.getByText("see your email address, if you have confirmed it")).toBeVisible();
    await expect(page.getByText("stay signed in when you are not using it")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Allow" }).click();

    // The application got its code, then tokens and userinfo.
    await expect(page).toHaveURL(new RegExp(`^${rp.base}/cb\\?`));
    await expect(page.getByRole("heading", { name: "Signed in to Toko Test" })).toBeVisible();
    expect(rp.got.error).toBeUndefined();
    const tokens = rp.got.tokens!;
    const idToken = tokens.claims()!;
    expect(idToken.iss).toBe(new URL(base).origin);
    expect(idToken.aud).toBe(rp.clientId);
    // Claims from proven identifiers only: the email was proven at sign-up; there is no phone.
    expect(rp.got.userinfo).toEqual({
      sub: idToken.sub,
      email: account.email,
      email_verified: true,
      name: account.fullName,
      preferred_username: account.username,
    });

    // Refresh with rotation: a new refresh token, and the old one refused (the grant revoked).
    const refreshed = await rp.refresh(tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.sub).toBe(idToken.sub);
    await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(rp.refresh(refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // RP-initiated logout: our confirmation, then back to the application with its state.
    await page.goto(`${rp.base}/logout`);
    await expect(page.getByRole("heading", { level: 1, name: "Sign out?" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(`${rp.base}/bye?state=bye-state`);
    // Signed out of this service on this browser as well.
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?next=/);
    await context.close();
  } finally {
    await rp.close();
  }
});

test("the consent page speaks Indonesian, and a refusal goes back to the application as access_denied", async ({ browser }) => {
  const rp = await startRelyingParty(process.env.E2E_BASE_URL!, "Aplikasi Uji");
  try {
    const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL, locale: "id-ID" });
    await signUpByApi(context, newAccount("oidcid"));
    const page = await context.newPage();
    await page.goto(`${rp.base}/start`);
    await arrived(page, /\/oidc\/interaction\/[\w-]+$/);
    await expect(page.getByRole("heading", { level: 1, name: "Masuk ke Aplikasi Uji" })).toBeVisible();
    await page.getByRole("button", { name: /^Lanjutkan sebagai / }).click();
    await arrived(page, /\/oidc\/interaction\/[\w-]+$/);
    await expect(page.getByRole("heading", { level: 1, name: "Izinkan Aplikasi Uji?" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Tolak" }).click();
    await expect(page).toHaveURL(new RegExp(`^${rp.base}/cb\\?`));
    expect(rp.got.error).toBe("access_denied");
    await context.close();
  } finally {
    await rp.close();
  }
});

test("an admin sees the registered apps and revokes one; it then signs nobody in", async ({ browser }) => {
  const name = `Old Shop ${Date.now().toString(36)}`;
  const { clientId } = registerApplication(name, "https://revoked.example/cb", "https://revoked.example/");
  const context = await newContext(browser);
  const admin = await signUpByApi(context, newAccount("oidcadmin"));
  await makeAdmin(admin.email);
  const page = await context.newPage();
  await visit(page, "/admin/apps");
  await expect(page.getByRole("heading", { level: 1, name: "Apps that sign in with this service" })).toBeVisible();
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
  await expect(card.getByText(clientId)).toBeVisible();
  await expect(card.getByText("https://revoked.example/cb")).toBeVisible();
  await expectAccessible(page);
  await card.getByRole("button", { name: "Revoke" }).click();
  await card.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(card.getByText(/^Revoked /)).toBeVisible();
  const authorize = await context.request.get(`/oidc/auth?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=https://revoked.example/cb&code_challenge=${"a".repeat(43)}&code_challenge_method=S256`, { maxRedirects: 0 });
  expect(authorize.status()).toBe(400);
  expect(authorize.headers().location).toBeUndefined();
  await context.close();
});
