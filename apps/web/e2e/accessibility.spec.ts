import { expect, test, type Page } from "@playwright/test";
import { loginWithPassword, newAccount, sharedAccount, startSignUp, submitPasswordLogin, uniquePhone, shownPhone } from "./support/accounts";
import { checkScreen } from "./support/checks";
import { newestMessage, openOutbox, readCode, wrongCodeFor } from "./support/outbox";
import { arrived, visit } from "./support/page";

/**
 * Every screen: an axe scan with no serious or critical finding, no horizontal scroll at 360,
 * 375 and 390 px, and screenshots at 375 and 1280 px (test-results/screens/<screen>-<width>.png).
 */

const h1 = (page: Page, name: string) => expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

test.describe("signed out", () => {
  test("home", async ({ page }) => {
    await visit(page, "/");
    await h1(page, "One sign-in for every app");
    await checkScreen(page, "home");
  });

  test("signup", async ({ page }) => {
    await visit(page, "/signup");
    await h1(page, "Create an account");
    // The policy list in its "as you type" state.
    await page.getByLabel("Password", { exact: true }).fill("password123");
    await expect(page.getByRole("list", { name: "Password policy" })).toContainText("Not a common password (not met)");
    await checkScreen(page, "signup");
  });

  test("verify", async ({ page }) => {
    await startSignUp(page, newAccount("a11y"));
    await expect(page.getByText(/^Waiting for the code\. It expires in \d+:\d\d\.$/)).toBeVisible();
    await checkScreen(page, "verify");
  });

  for (const [method, tab, field] of [
    ["password", "Password", "Email, username or phone number"],
    ["phone", "Phone code", "Phone number"],
    ["pin", "PIN", "Username"],
  ] as const) {
    test(`login, ${method} tab`, async ({ page }) => {
      await visit(page, `/login?method=${method}`);
      await h1(page, "Log in");
      await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
      await expect(page.getByRole("tabpanel", { name: tab }).getByLabel(field)).toBeVisible();
      await checkScreen(page, `login-${method}`);
    });
  }

  test("forgot-password", async ({ page }) => {
    await visit(page, "/forgot-password");
    await h1(page, "Reset your password");
    await checkScreen(page, "forgot-password");
  });

  test("reset-password, opened from the emailed link", async ({ page, browser }) => {
    const account = await sharedAccount(browser);
    await visit(page, "/forgot-password");
    await page.getByLabel("Email or phone number").fill(account.email);
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByText(`We sent a 6-digit code to ${account.email}.`)).toBeVisible();
    const outbox = await openOutbox(page.context(), account.email);
    await (await newestMessage(outbox, "Password reset")).article.getByRole("link", { name: /\/reset-password\?token=/ }).click();
    await arrived(outbox, /\/reset-password\?token=/);
    await h1(outbox, "Choose a new password");
    await expect(outbox.getByLabel("New password", { exact: true })).toBeVisible();
    await checkScreen(outbox, "reset-password");
  });

  test("dev/outbox", async ({ page, browser }) => {
    const account = await sharedAccount(browser);
    const outbox = await openOutbox(page.context(), account.email);
    await newestMessage(outbox, "Sign-up code");
    await checkScreen(outbox, "dev-outbox");
  });

  test("docs/api", async ({ page }) => {
    await visit(page, "/docs/api");
    await h1(page, "REST API");
    await expect(page.getByRole("heading", { level: 2 }).first()).toBeVisible();
    // Only the three routes that take a bearer token say so (`security: []` says none).
    await expect(page.locator("details.operation > summary", { hasText: "(bearer token)" })).toHaveCount(3);
    await checkScreen(page, "docs-api");
  });
});

test.describe("refusals", () => {
  test("login, password tab, after a wrong password", async ({ page, browser }) => {
    const account = await sharedAccount(browser);
    await submitPasswordLogin(page, account.email, `${account.password}-wrong`);
    await expect(page.getByRole("tabpanel", { name: "Password" }).getByRole("alert")).toBeVisible();
    await checkScreen(page, "login-password-refused");
  });

  test("signup, submitted empty", async ({ page }) => {
    await visit(page, "/signup");
    await page.getByRole("button", { name: "Create account" }).click();
    const email = page.getByLabel("Email", { exact: true });
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(email).toBeFocused();
    await checkScreen(page, "signup-refused");
  });

  test("login, phone tab, code step after a wrong code", async ({ page }) => {
    const phone = uniquePhone();
    await visit(page, "/login?method=phone");
    const panel = page.getByRole("tabpanel", { name: "Phone code" });
    await panel.getByLabel("Phone number").fill(phone);
    await panel.getByRole("button", { name: "Send code" }).click();
    await expect(panel.getByText(`We sent a 6-digit code to ${shownPhone(phone)}.`)).toBeVisible();
    await panel.getByLabel("Code", { exact: true }).fill(wrongCodeFor(await readCode(page.context(), phone, "Login code")));
    await panel.getByRole("button", { name: "Log in", exact: true }).click();
    await expect(panel.getByText("That code is not right. 4 tries left.")).toBeVisible();
    await checkScreen(page, "login-phone-code-refused");
  });
});

test("keyboard: the first Tab reaches “Skip to content”, which moves focus to the main content", async ({ page }) => {
  await visit(page, "/login");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("tab", { name: "Password" })).toBeFocused();
});

test.describe("signed in", () => {
  test.beforeEach(async ({ page, browser }) => {
    const account = await sharedAccount(browser);
    await loginWithPassword(page, account.email, account.password);
  });

  test("account", async ({ page }) => {
    await h1(page, "Your account");
    await expect(page.getByRole("region", { name: "Where you are signed in" }).getByRole("listitem").first()).toBeVisible();
    await checkScreen(page, "account");
  });

  test("pin", async ({ page }) => {
    await visit(page, "/pin");
    await h1(page, "Your PIN");
    await checkScreen(page, "pin");
  });

  test("unlock", async ({ page }) => {
    await visit(page, "/unlock");
    await h1(page, "Unlock with your PIN");
    await checkScreen(page, "unlock");
  });
});

test.describe("dark mode (the system's setting)", () => {
  test.use({ colorScheme: "dark" });

  test("login and sign-up keep their contrast", async ({ page }) => {
    await visit(page, "/login");
    await expect(page.locator("body")).toHaveCSS("background-color", "rgb(14, 18, 23)");
    await checkScreen(page, "login-dark");
    await visit(page, "/signup");
    await page.getByLabel("Password", { exact: true }).fill("password123");
    await checkScreen(page, "signup-dark");
  });

  test("account", async ({ page, browser }) => {
    const account = await sharedAccount(browser);
    await loginWithPassword(page, account.email, account.password);
    await checkScreen(page, "account-dark");
  });
});
