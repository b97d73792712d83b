import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { loginWithPassword, newAccount, newContext, signUpByApi, submitPasswordLogin, type Account } from "./support/accounts";
import { newestMessage, openOutbox, readCode } from "./support/outbox";
import { arrived, visit } from "./support/page";

/** An account signed up (and so signed in) in a browser context of its own: "another device". */
async function accountSignedInElsewhere(browser: Browser, tag: string): Promise<{ account: Account; other: BrowserContext; otherPage: Page }> {
  const other = await newContext(browser);
  const account = await signUpByApi(other, newAccount(tag));
  const otherPage = await other.newPage();
  return { account, other, otherPage };
}

/** /forgot-password: the email, then "Send code"; ends on the code step. */
async function askForReset(page: Page, email: string): Promise<void> {
  await visit(page, "/forgot-password");
  await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
  await page.getByLabel("Email or phone number").fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(`We sent a 6-digit code to ${email}.`)).toBeVisible();
}

/** The success screen after a reset, whichever way it was done. */
async function expectPasswordChanged(page: Page): Promise<void> {
  await expect(page.getByRole("main").getByRole("status")).toHaveText(
    "Your password is changed. For your safety every session was signed out, on this device and on all others.",
  );
  await expect(page.getByRole("link", { name: "Log in with your new password" })).toBeFocused();
}

/** The old password fails, the new one works, and the other device's session is gone. */
async function expectResetTookEffect(page: Page, account: Account, newPassword: string, otherPage: Page): Promise<void> {
  await test.step("the old password no longer works", async () => {
    await submitPasswordLogin(page, account.email, account.password);
    await expect(page.getByRole("tabpanel", { name: "Password" }).getByRole("alert")).toHaveText(
      "Wrong email, username, phone number or password.",
    );
  });
  await test.step("the new password works", async () => {
    await loginWithPassword(page, account.email, newPassword);
  });
  await test.step("the other browser's session is gone: its /account goes to log in", async () => {
    await otherPage.goto("/account");
    await expect(otherPage).toHaveURL(/\/login\?next=%2Faccount$/);
  });
}

test("forgot password by code: the old password fails, the new one works, other sessions end", async ({ page, browser }) => {
  const { account, other, otherPage } = await accountSignedInElsewhere(browser, "resetcode");
  const newPassword = `Kelapa-${Date.now().toString(36)}-Muda!`;

  await askForReset(page, account.email);
  const code = await readCode(page.context(), account.email, "Password reset");

  await test.step("a common new password is refused at its field, without using the code", async () => {
    await page.getByLabel("Code", { exact: true }).fill(code);
    await page.getByLabel("New password", { exact: true }).fill("password123");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("That password is too common. Choose another.")).toBeVisible();
    await expect(page.getByLabel("New password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  });

  await test.step("the code and a good new password change it", async () => {
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expectPasswordChanged(page);
    await page.getByRole("link", { name: "Log in with your new password" }).click();
    await arrived(page, /\/login$/);
  });

  await expectResetTookEffect(page, account, newPassword, otherPage);
  await other.close();
});

test("forgot password by link: the emailed link sets the new password once; old fails, new works, other sessions end", async ({ page, browser }) => {
  const { account, other, otherPage } = await accountSignedInElsewhere(browser, "resetlink");
  const newPassword = `Kelapa-${Date.now().toString(36)}-Tua!`;

  await askForReset(page, account.email);

  const linkPage = await test.step("open the link in the email, from the outbox in a new tab", async () => {
    const outbox = await openOutbox(page.context(), account.email);
    const message = await newestMessage(outbox, "Password reset");
    await message.article.getByRole("link", { name: /\/reset-password\?token=/ }).click();
    await arrived(outbox, /\/reset-password\?token=/);
    await expect(outbox.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    return outbox;
  });
  const link = linkPage.url();

  await test.step("a new password on the link's page changes it", async () => {
    await linkPage.getByLabel("New password", { exact: true }).fill(newPassword);
    await linkPage.getByRole("button", { name: "Set new password" }).click();
    await expectPasswordChanged(linkPage);
    await linkPage.getByRole("link", { name: "Log in with your new password" }).click();
    await arrived(linkPage, /\/login$/);
  });

  await expectResetTookEffect(linkPage, account, newPassword, otherPage);

  await test.step("the link works only once: opened again, it says so at once, with no form to fill in", async () => {
    await visit(linkPage, link);
    await expect(linkPage.getByRole("main")).toContainText("This link was already used or has expired. Ask for a new one.");
    await expect(linkPage.getByLabel("New password", { exact: true })).toHaveCount(0);
    await expect(linkPage.getByRole("link", { name: "Ask for a new code or link" })).toBeVisible();
  });
  await other.close();
});
