import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { loginWithPassword, logOut, newAccount, newContext, signUpByApi, submitPasswordLogin } from "./support/accounts";
import { checkScreen } from "./support/checks";
import { ageSignIns, makeAdmin, userIdOf } from "./support/database";
import { arrived } from "./support/page";

/** The code an authenticator app shows for `secret`, `steps` periods from now. */
const appCode = (secret: string, steps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });

/** Adds an authenticator app on the account page, reading the key from the page; its recovery codes. */
async function enrolTotp(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  const section = page.getByRole("region", { name: "Second factors" });
  await section.getByRole("button", { name: "Add an authenticator app" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await checkScreen(page, "account-totp-enrol");
  const secret = (await section.getByTestId("totp-key").innerText()).replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await section.getByLabel("The 6-digit code the app shows").fill(appCode(secret));
  await section.getByRole("button", { name: "Confirm", exact: true }).click();
  const codes = section.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  await checkScreen(page, "account-recovery-codes");
  const recoveryCodes = (await codes.allInnerTexts()).map((c) => c.trim());
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section.getByRole("list", { name: "Second factors" }).getByRole("listitem")).toHaveCount(1);
  return { secret, recoveryCodes };
}

test("an authenticator app: enrol on the account page, then the password alone does not sign in; the app's code and a recovery code do", async ({
  page,
  context,
}) => {
  const account = await signUpByApi(context, newAccount("totp"));
  await page.goto("/account");
  const { secret, recoveryCodes } = await enrolTotp(page);
  await logOut(page);

  await test.step("the right password leads to the second step, not into the account", async () => {
    await submitPasswordLogin(page, account.email, account.password);
    await expect(page.getByRole("heading", { name: "One more step" })).toBeVisible();
    await checkScreen(page, "login-second-step");
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
  });

  await test.step("a code from the app signs in", async () => {
    await submitPasswordLogin(page, account.email, account.password);
    // The code of the next period: the one that confirmed the app is spent, and one step of drift is allowed.
    await page.getByLabel("Authenticator code").fill(appCode(secret, 1));
    await page.getByRole("button", { name: "Verify and log in" }).click();
    await arrived(page, /\/account$/);
    await logOut(page);
  });

  await test.step("a recovery code signs in once", async () => {
    await submitPasswordLogin(page, account.email, account.password);
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Verify and log in" }).click();
    await arrived(page, /\/account$/);
    await expect(page.getByRole("region", { name: "Second factors" })).toContainText("Recovery codes left: 9");
    await logOut(page);
    await submitPasswordLogin(page, account.email, account.password);
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Verify and log in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "That code is not right" })).toBeVisible();
  });
});

test("removing the app within minutes of signing in (the sign-in is the fresh proof); afterwards the password signs in alone", async ({ page, context }) => {
  const account = await signUpByApi(context, newAccount("totp-remove"));
  await page.goto("/account");
  await enrolTotp(page);
  const section = page.getByRole("region", { name: "Second factors" });
  await section.getByRole("button", { name: /^Remove/ }).click();
  await expect(section.getByRole("status")).toHaveText("The second factor is removed.");
  await expect(section.getByText("No second factor yet.")).toBeVisible();
  await logOut(page);
  await loginWithPassword(page, account.email, account.password);
});

test("in Indonesian: the account page's second factors and the second step of a log-in", async ({ page, context }) => {
  const account = await signUpByApi(context, newAccount("totp-id"));
  await page.goto("/account");
  await page.getByRole("group", { name: /^(Language|Bahasa)$/ }).getByRole("button", { name: "Bahasa Indonesia" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  const section = page.getByRole("region", { name: "Faktor kedua" });
  await section.getByRole("button", { name: "Tambahkan aplikasi autentikator" }).click();
  await expect(section.getByRole("img", { name: "Kode QR untuk aplikasi autentikator Anda" })).toBeVisible();
  await checkScreen(page, "account-totp-enrol-id");
  const secret = (await section.getByTestId("totp-key").innerText()).replace(/\s/g, "");
  await section.getByLabel("Kode 6 digit yang ditampilkan aplikasi").fill(appCode(secret));
  await section.getByRole("button", { name: "Konfirmasi", exact: true }).click();
  await expect(section.getByRole("list", { name: "Kode pemulihan Anda" }).getByRole("listitem")).toHaveCount(10);
  await section.getByRole("button", { name: "Sudah saya simpan" }).click();

  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Keluar" }).click();
  await arrived(page, /\/login$/);
  const panel = page.getByRole("tabpanel", { name: "Kata sandi" });
  await panel.getByLabel("Email, nama pengguna, atau nomor telepon").fill(account.email);
  await panel.getByLabel("Kata sandi", { exact: true }).fill(account.password);
  await panel.getByRole("button", { name: "Masuk", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Satu langkah lagi" })).toBeVisible();
  await checkScreen(page, "login-second-step-id");
  await page.getByLabel("Kode autentikator").fill(appCode(secret, 1));
  await page.getByRole("button", { name: "Verifikasi dan masuk" }).click();
  await arrived(page, /\/account$/);
});

test("an admin sees an account's factors and, after their own step-up, resets them; the owner then signs in with the password alone", async ({ page, browser }) => {
  const ownerContext = await newContext(browser);
  const ownerPage = await ownerContext.newPage();
  const owner = await signUpByApi(ownerContext, newAccount("reset-owner"));
  await ownerPage.goto("/account");
  await enrolTotp(ownerPage);
  const ownerId = await userIdOf(owner.email);

  const admin = await signUpByApi(page.context(), newAccount("admin"));
  await makeAdmin(admin.email);
  // The admin signed in a while ago: the reset will ask them to prove it is them.
  await ageSignIns(admin.email, 10);
  await page.goto("/admin/audit");
  const section = page.getByRole("region", { name: "An account's second factors" });
  await section.getByLabel("User id").fill(String(ownerId));
  await section.getByRole("button", { name: "Show factors" }).click();
  await expect(section.getByText(`Second factors of user ${ownerId}: 1. Recovery codes left: 10.`, { exact: true })).toBeVisible();
  await expect(section.getByRole("listitem")).toContainText("Authenticator app");
  await checkScreen(page, "admin-factors");

  await section.getByRole("button", { name: `Reset all second factors of user ${ownerId}` }).click();
  await section.getByRole("button", { name: "Yes, reset them" }).click();
  await expect(section.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
  await section.getByLabel("Current password").fill(admin.password);
  await section.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(section.getByText(`User ${ownerId}'s second factors are removed (1); they have been told.`)).toBeVisible();
  await expect(section.getByText(`User ${ownerId} has no second factor.`)).toBeVisible();
  // Both the look and the reset are in the log, with the admin named.
  await page.reload();
  await expect(page.getByRole("table")).toContainText("Second factors reset by an admin");
  await expect(page.getByRole("table")).toContainText("Second factors viewed by an admin");

  await logOut(ownerPage);
  await loginWithPassword(ownerPage, owner.email, owner.password);
  await ownerContext.close();
});
