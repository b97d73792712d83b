import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { newAccount, submitPasswordLogin } from "./support/accounts";
import { checkScreen } from "./support/checks";
import { ageSignIns } from "./support/database";
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

test("a passkey: register and name it on the account page, step up with it, log in with it from the autofill and from the button, no username; the password alone then needs it", async ({
  page,
  context,
}) => {
  await virtualAuthenticator(page);
  const account = await signUpHere(context);
  await page.goto(`${LOCAL}/account`);
  const section = page.getByRole("region", { name: "Second factors" });
  await section.getByRole("button", { name: "Add a passkey" }).click();
  const name = section.getByLabel("Name for this passkey");
  await name.fill("");
  await section.getByRole("button", { name: "Create the passkey" }).click();
  await expect(name).toHaveAccessibleDescription(/Required\./);
  await name.fill("Work laptop");
  await checkScreen(page, "account-passkey-name");
  await section.getByRole("button", { name: "Create the passkey" }).click();
  await expect(section.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section.getByRole("list", { name: "Second factors" })).toContainText("Work laptop · Passkey");

  await test.step("ten minutes later, new recovery codes need a fresh proof, which the passkey gives", async () => {
    await ageSignIns(account.email, 10);
    await page.reload();
    await section.getByRole("button", { name: "Make new recovery codes" }).click();
    await expect(section.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
    await checkScreen(page, "account-step-up");
    await section.getByRole("button", { name: "Use a passkey" }).click();
    await expect(section.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await section.getByRole("button", { name: "I have saved them" }).click();
  });

  // Not support's logOut: that one waits for the signed-out header, which the autofill's
  // sign-in may replace before it shows.
  const logOut = async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" }).click();
    await arrived(page, /\/login$/);
  };

  await test.step("the login page offers the passkey in the username field's autofill, which signs in", async () => {
    await logOut();
    // The virtual authenticator picks its one passkey from the autofill at once, as a person's click would.
    await arrived(page, /\/account$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  });

  // From here, a browser without passkeys in its autofill: the button, and the second step, are the ways in.
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });

  await test.step("log in with the passkey button, no username typed", async () => {
    await logOut();
    // The field still asks for the autofill's passkeys, for browsers that offer them there.
    await expect(page.getByRole("tabpanel", { name: "Password" }).getByLabel("Email, username or phone number")).toHaveAttribute("autocomplete", "username webauthn");
    await page.getByRole("button", { name: "Log in with a passkey" }).click();
    await arrived(page, /\/account$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
    await logOut();
  });

  await test.step("the password leads to the second step, which the passkey takes", async () => {
    await submitPasswordLogin(page, account.email, account.password);
    await expect(page.getByRole("heading", { name: "One more step" })).toBeVisible();
    await checkScreen(page, "login-second-step-passkey");
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await arrived(page, /\/account$/);
  });
});
