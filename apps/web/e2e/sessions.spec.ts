import { expect, test } from "@playwright/test";
import { loginWithPassword, logOut, newAccount, newContext, sharedAccount, signUpByApi } from "./support/accounts";
import { visit } from "./support/page";

test("one browser signs another out from the account page", async ({ page, browser }) => {
  // Context B: the other device, signed in first (by signing up there).
  const other = await newContext(browser);
  const account = await signUpByApi(other, newAccount("sessions"));
  const otherPage = await other.newPage();

  // Context A: this device.
  await loginWithPassword(page, account.email, account.password);
  const sessions = page.getByRole("region", { name: "Where you are signed in" });
  const cards = sessions.getByRole("listitem");
  await expect(cards).toHaveCount(2);
  await expect(sessions.getByRole("heading", { level: 3, name: /This device/ })).toHaveCount(1);

  await test.step("A signs B out", async () => {
    const othersCard = cards.filter({ hasNot: page.getByText("This device") });
    await othersCard.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(sessions.getByRole("status")).toHaveText("That session is signed out.");
    await expect(cards).toHaveCount(1);
    await expect(sessions.getByText("You are signed in only on this device.")).toBeVisible();
  });

  await test.step("B's next /account load goes to log in", async () => {
    await otherPage.goto("/account");
    await expect(otherPage).toHaveURL(/\/login\?next=%2Faccount$/);
  });

  await test.step("A is still signed in", async () => {
    await page.reload();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  });
  await other.close();
});

test("log out ends the session: the account page asks to log in again", async ({ page, browser }) => {
  const account = await sharedAccount(browser);
  await loginWithPassword(page, account.email, account.password);
  await logOut(page);
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await visit(page, "/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
});

test("after signing another session out with the keyboard, the focus stays in the sessions list", async ({ page, browser }) => {
  const account = await sharedAccount(browser);
  const other = await newContext(browser);
  await loginWithPassword(await other.newPage(), account.email, account.password);
  await loginWithPassword(page, account.email, account.password);
  const sessions = page.getByRole("region", { name: "Where you are signed in" });
  await sessions.getByRole("button", { name: "Sign out", exact: true }).first().focus();
  await page.keyboard.press("Enter");
  await expect(sessions.getByRole("status")).toHaveText("That session is signed out.");
  // The button that had the focus is gone with its card; focus must not fall back to the page body.
  await expect
    .poll(() => sessions.evaluate((region) => region.contains(document.activeElement)), {
      message: "the focus is in the sessions list, not on the page body",
      timeout: 2_000,
    })
    .toBe(true);
  await other.close();
});
