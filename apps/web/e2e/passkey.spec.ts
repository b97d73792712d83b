import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { newAccount } from "./support/accounts";
import { checkScreen } from "./support/checks";
import { arrived } from "./support/page";

/** The service as localhost: a passkey's relying party is a domain (global setup: AUTH_RP_ID=localhost). */
const LOCAL = (process.env.E2E_BASE_URL ?? "").replace("//127.0.0.1:", "//localhost:");

/** Chromium's virtual authenticator: a platform authenticator with resident keys and user verification, always present. */
async function virtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Signs a new account up through the API on localhost, so the context's session cookie is for localhost. */
async function signUpHere(context: BrowserContext) {
  const account = newAccount("passkey");
  const post = async (procedure: string, data: unknown) => {
    const res = await context.request.post(`${LOCAL}/api/trpc/${procedure}`, { data });
    expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
    return ((await res.json()) as { result: { data: Record<string, unknown> } }).result.data;
  };
  const { verificationId } = await post("auth.register", { email: account.email, password: account.password, fullName: account.fullName, username: account.username });
  const outbox = await context.request.get(`${LOCAL}/api/dev/outbox?to=${encodeURIComponent(account.email)}`);
  const { messages } = (await outbox.json()) as { messages: { purpose: string; code: string | null }[] };
  await post("auth.verifyRegistration", { verificationId, code: messages.find((m) => m.purpose === "signup")?.code, delivery: "cookie" });
  return account;
}

test("a passkey: register on the account page, log out, log in with it and no username; the password alone then needs it", async ({ page, context }) => {
  await virtualAuthenticator(page);
  const account = await signUpHere(context);
  await page.goto(`${LOCAL}/account`);
  const section = page.getByRole("region", { name: "Second factors" });
  await section.getByRole("button", { name: "Add a passkey" }).click();
  await expect(section.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section.getByRole("list", { name: "Second factors" })).toContainText("Passkey");

  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" }).click();
  await arrived(page, /\/login$/);

  await test.step("log in with the passkey, no username typed", async () => {
    await page.getByRole("button", { name: "Log in with a passkey" }).click();
    await arrived(page, /\/account$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" }).click();
    await arrived(page, /\/login$/);
  });

  await test.step("the password leads to the second step, which the passkey takes", async () => {
    const panel = page.getByRole("tabpanel", { name: "Password" });
    await panel.getByLabel("Email, username or phone number").fill(account.email);
    await panel.getByLabel("Password", { exact: true }).fill(account.password);
    await panel.getByRole("button", { name: "Log in", exact: true }).click();
    await expect(page.getByRole("heading", { name: "One more step" })).toBeVisible();
    await checkScreen(page, "login-second-step-passkey");
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await arrived(page, /\/account$/);
  });
});
