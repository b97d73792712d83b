import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { fact, newAccount, startSignUp, uniquePhone } from "./support/accounts";
import { overflowOnPhones, SCREEN_DIR, seriousAxeFindings } from "./support/checks";
import { readCode } from "./support/outbox";
import { arrived, hydrated } from "./support/page";

/**
 * The screens of the phone trap's fixes (issue 19), in English and Indonesian: the sign-up's
 * phone step, the account page's "Verify it now" (closed and open), and the login page's phone
 * tab, and the sentence after a code that moved a number. Each passes axe with no serious finding and has no sideways scroll on a phone; screenshots
 * at 390 and 1280 px are kept in test-results/screens for a person to look at.
 */
const WIDTHS = [390, 1280] as const;

async function look(page: Page, name: string): Promise<void> {
  await hydrated(page);
  expect.soft(await seriousAxeFindings(page), `serious or critical axe findings on ${name}`).toEqual([]);
  expect.soft(await overflowOnPhones(page), `pixels of horizontal scroll on ${name}`).toEqual({ 360: 0, 375: 0, 390: 0 });
  mkdirSync(SCREEN_DIR, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SCREEN_DIR, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function inLanguage(page: Page, lang: "en" | "id"): Promise<void> {
  await page.context().addCookies([{ name: "lang", value: lang, url: process.env.E2E_BASE_URL! }]);
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
}

/** Runs `fn` (which reads the English dev outbox in a tab of its own) with the language cookie on English, then back on Indonesian. */
async function inEnglish<T>(page: Page, fn: () => Promise<T>): Promise<T> {
  const url = process.env.E2E_BASE_URL!;
  await page.context().addCookies([{ name: "lang", value: "en", url }]);
  try {
    return await fn();
  } finally {
    await page.context().addCookies([{ name: "lang", value: "id", url }]);
  }
}

test("phone trap screens: sign-up phone step, account verify-now, login phone tab, in English and Indonesian", async ({ page }) => {
  // Six screens, each checked by axe and photographed: three times the usual time, so a busy machine does not fail it.
  test.slow();
  const account = newAccount("trap-screens", { phone: uniquePhone() });
  await startSignUp(page, account);
  await page.getByLabel("Code", { exact: true }).fill(await readCode(page.context(), account.email, "Sign-up code"));
  await page.getByRole("button", { name: "Confirm and create account" }).click();
  await arrived(page, /\/verify\/phone/);

  for (const lang of ["en", "id"] as const) {
    await inLanguage(page, lang);
    await expect(page.getByLabel(lang === "en" ? "Code" : "Kode", { exact: true })).toBeVisible();
    await look(page, `trap-phone-step-${lang}`);
  }

  await inLanguage(page, "en");
  await page.getByRole("button", { name: "Later" }).click();
  await arrived(page, /\/account$/);
  for (const lang of ["en", "id"] as const) {
    await inLanguage(page, lang);
    await look(page, `trap-account-unverified-${lang}`);
    const phone = fact(page, lang === "en" ? "Phone" : "Telepon");
    await phone.getByRole("button", { name: lang === "en" ? "Verify it now (Phone)" : "Verifikasi sekarang (Telepon)" }).click();
    await expect(page.getByRole("region", { name: lang === "en" ? "Verify your phone number" : "Verifikasi nomor telepon Anda" })).toBeVisible();
    await look(page, `trap-account-verify-now-${lang}`);
  }

  await page.getByRole("navigation", { name: "Main" }).getByRole("button").filter({ hasText: /^(Log out|Keluar)$/ }).click();
  await arrived(page, /\/login$/);
  for (const lang of ["en", "id"] as const) {
    await page.goto("/login?method=phone");
    await inLanguage(page, lang);
    await look(page, `trap-login-phone-${lang}`);
  }

  // Still in Indonesian: the code to the number left for later opens a new account, and says so.
  const panel = page.getByRole("tabpanel", { name: "Kode telepon" });
  await panel.getByLabel("Nomor telepon").fill(account.phone!);
  await panel.getByRole("button", { name: "Kirim kode" }).click();
  await expect(panel.getByLabel("Kode", { exact: true })).toBeVisible();
  const code = await inEnglish(page, () => readCode(page.context(), account.phone!, "Login code"));
  await panel.getByLabel("Kode", { exact: true }).fill(code);
  await panel.getByRole("button", { name: "Masuk", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Nomor ini ada di akun lain" })).toBeVisible();
  await look(page, "trap-claim-moved-id");
});
