import { expect, test } from "@playwright/test";
import { secondsOf, visit } from "./support/page";
import { fact, finishSignUp, loginWithPassword, newAccount, sharedAccount, startSignUp } from "./support/accounts";

test("sign up shows the password policy as you type, then the emailed code creates the account", async ({ page }) => {
  const account = newAccount("signup");
  await visit(page, "/signup");
  await expect(page.getByRole("heading", { level: 1, name: "Create an account" })).toBeVisible();

  const password = page.getByLabel("Password", { exact: true });
  const policy = page.getByRole("list", { name: "Password policy" });
  const length = policy.getByRole("listitem").filter({ hasText: "8 to 128 characters" });
  const notCommon = policy.getByRole("listitem").filter({ hasText: "Not a common password" });

  await test.step("too short: the length rule is not met", async () => {
    await password.fill("abc");
    await expect(length).toHaveText("8 to 128 characters (not met)");
  });

  await test.step("a common password: long enough, but marked as too common", async () => {
    await password.fill("password123");
    await expect(length).toHaveText("8 to 128 characters (met)");
    await expect(notCommon).toHaveText("Not a common password (not met)");
  });

  await test.step("a good password meets both rules", async () => {
    await password.fill(account.password);
    await expect(length).toHaveText("8 to 128 characters (met)");
    await expect(notCommon).toHaveText("Not a common password (met)");
  });

  await test.step("a common password is refused on submit too, at the password field", async () => {
    await page.getByLabel("Email", { exact: true }).fill(account.email);
    await page.getByLabel("Full name").fill(account.fullName);
    await page.getByLabel("Username").fill(account.username);
    await password.fill("password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("That password is too common. Choose another.")).toBeVisible();
    await expect(page).toHaveURL(/\/signup$/);
  });

  await test.step("submit: on to the code screen, with the resend on hold", async () => {
    await startSignUp(page, account);
    await expect(page.getByText(`We sent a 6-digit code to ${account.email}.`)).toBeVisible();
    await expect(page.getByRole("button", { name: "Send a new code" })).toBeDisabled();
    await expect(page.getByText(/^You can ask for a new code in \d+:\d\d\.$/)).toBeVisible();
  });

  await test.step("a code that is not six digits is refused before it costs a try", async () => {
    await page.getByLabel("Code", { exact: true }).fill("12");
    await page.getByRole("button", { name: "Confirm and create account" }).click();
    await expect(page.getByText("Enter the 6 digits of the code.")).toBeVisible();
  });

  await test.step("the code from the outbox creates the account and signs in", async () => {
    await finishSignUp(page, account);
    await expect(fact(page, "Name")).toHaveText(account.fullName);
    await expect(fact(page, "Username")).toHaveText(account.username);
    await expect(fact(page, "Email")).toContainText(account.email);
    await expect(fact(page, "Email")).toContainText("Verified");
    await expect(fact(page, "Customer number")).toHaveText(/\S/);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" })).toBeVisible();
  });
});

test("a signed-in visitor who opens the sign-up page goes to the account page", async ({ page, browser }) => {
  const account = await sharedAccount(browser);
  await loginWithPassword(page, account.email, account.password);
  await visit(page, "/signup");
  await expect(page).toHaveURL(/\/account$/);
});

test.describe("before the page's script has run", () => {
  test.use({ javaScriptEnabled: false });

  test("submitting the sign-up form never puts the password in the address", async ({ page }) => {
    const account = newAccount("nojs");
    await page.goto("/signup");
    await page.getByLabel("Email", { exact: true }).fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByLabel("Full name").fill(account.fullName);
    await page.getByLabel("Username").fill(account.username);
    // The button waits for the script; Enter cannot submit past a disabled button either.
    await expect(page.getByRole("button", { name: "Create account" })).toBeDisabled();
    await page.getByLabel("Username").press("Enter");
    await page.waitForLoadState();
    expect([...new URL(page.url()).searchParams.values()]).not.toContain(account.password);
  });
});

test("the code screen opened again shows the service's remaining wait, not a fresh one", async ({ page }) => {
  const account = newAccount("rewait");
  await startSignUp(page, account);
  const id = new URL(page.url()).searchParams.get("id");
  expect(id).toBeTruthy();
  const countdown = page.getByText(/^You can ask for a new code in \d+:\d\d\.$/);
  const seconds = async () => secondsOf((await countdown.textContent())!);
  await expect(countdown).toBeVisible();
  const first = await seconds();

  // The behaviour under test is time itself: the wait keeps running while the screen is away.
  await page.waitForTimeout(4_000);
  // Only the id, as an old tab or a bookmark would have it: the page asks the service.
  await visit(page, `/verify?id=${encodeURIComponent(id!)}`);
  await expect(countdown).toBeVisible();
  const again = await seconds();
  expect(again).toBeLessThanOrEqual(first - 3);
  expect(again).toBeGreaterThan(0);
  await expect(page.getByRole("button", { name: "Send a new code" })).toBeDisabled();
});
