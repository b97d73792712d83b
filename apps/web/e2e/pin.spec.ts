import { expect, test } from "@playwright/test";
import { fact, logOut, newAccount, signUpByApi } from "./support/accounts";
import { arrived, hydrated, visit } from "./support/page";

test("set a PIN (a trivial one is refused with the reason), log in with username and PIN, then unlock with it", async ({ page }) => {
  const account = await signUpByApi(page.context(), newAccount("pin"));
  await visit(page, "/account");
  const pin = "480715";

  await test.step("the account page leads to /pin", async () => {
    await page.getByRole("link", { name: "Set or change your PIN" }).click();
    await arrived(page, /\/pin$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your PIN" })).toBeVisible();
  });

  const setSection = page.getByRole("region", { name: "Set or change your PIN" });
  const newPin = setSection.getByLabel("New PIN", { exact: true });
  const again = setSection.getByLabel("New PIN again", { exact: true });

  await test.step("123456 is refused, with the reason", async () => {
    await newPin.fill("123456");
    await again.fill("123456");
    await setSection.getByRole("button", { name: "Save PIN" }).click();
    await expect(newPin).toHaveAttribute("aria-invalid", "true");
    await expect(setSection.getByText("That PIN is too easy to guess: it is one digit repeated or a straight run (like 111111, 123456 or 654321). Choose another.")).toBeVisible();
    await expect(newPin).toBeFocused();
  });

  await test.step("two different PINs are refused before asking the service", async () => {
    await newPin.fill(pin);
    await again.fill("480716");
    await setSection.getByRole("button", { name: "Save PIN" }).click();
    await expect(setSection.getByText("The two PINs are not the same.")).toBeVisible();
    await expect(again).toHaveAttribute("aria-invalid", "true");
  });

  await test.step("a good PIN is saved", async () => {
    await again.fill(pin);
    await setSection.getByRole("button", { name: "Save PIN" }).click();
    await expect(page.getByRole("main").getByRole("status")).toHaveText(
      "Your PIN is saved. You can now log in with your username and PIN, and unlock with it.",
    );
  });

  await logOut(page);

  await test.step("log in with username and PIN", async () => {
    await page.getByRole("tab", { name: "PIN" }).click();
    const panel = page.getByRole("tabpanel", { name: "PIN" });
    await panel.getByLabel("Username").fill(account.username);
    await panel.getByLabel("PIN", { exact: true }).fill(pin);
    await panel.getByRole("button", { name: "Log in", exact: true }).click();
    await arrived(page, /\/account$/);
    await expect(fact(page, "Username")).toHaveText(account.username);
  });

  await test.step("unlock: a wrong PIN is refused, the right one goes on to the account", async () => {
    await page.getByRole("link", { name: "Unlock with your PIN" }).click();
    await arrived(page, /\/unlock\?next=%2Faccount$/);
    await expect(page.getByRole("heading", { level: 1, name: "Unlock with your PIN" })).toBeVisible();
    await expect(page.getByText(`You are signed in as ${account.fullName}. Enter your PIN to continue.`)).toBeVisible();
    const field = page.getByLabel("PIN", { exact: true });
    await field.fill("480799");
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
    await expect(page.getByText("That PIN is not right.")).toBeVisible();
    await expect(field).toHaveValue("");
    await field.fill(pin);
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
    await arrived(page, /\/account$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  });
});

test("a wrong PIN on the login form is refused", async ({ page }) => {
  await visit(page, "/login?method=pin");
  const panel = page.getByRole("tabpanel", { name: "PIN" });
  await panel.getByLabel("Username").fill(`nobody_${Date.now().toString(36)}`);
  await panel.getByLabel("PIN", { exact: true }).fill("480715");
  await panel.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(panel.getByRole("alert")).toHaveText("Wrong username or PIN. After too many wrong PINs the PIN locks.");
  await hydrated(page);
  await expect(page).toHaveURL(/\/login\?method=pin$/);
});
