import { expect, test } from "@playwright/test";
import { hydrated, visit } from "./support/page";

test("the language switch turns the pages Indonesian, the choice sticks, and English comes back", async ({ page }) => {
  const html = page.locator("html");
  const nav = page.getByRole("navigation", { name: "Main" });
  const languages = page.getByRole("group", { name: /^(Language|Bahasa)$/ });

  await visit(page, "/");
  await expect(html).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("One sign-in for every app");

  await test.step("choose Bahasa Indonesia", async () => {
    await languages.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await expect(html).toHaveAttribute("lang", "id");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Satu akun masuk untuk semua aplikasi");
    await expect(languages.getByRole("button", { name: "Bahasa Indonesia" })).toHaveAttribute("aria-pressed", "true");
    await expect(languages.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "false");
    await expect(nav.getByRole("link", { name: "Masuk" })).toBeVisible();
  });

  await test.step("it sticks across navigation", async () => {
    await nav.getByRole("link", { name: "Masuk" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Masuk");
    await expect(page.getByRole("tab", { name: "Kata sandi" })).toBeVisible();
    await expect(page.getByRole("tab", { name: "Kode telepon" })).toBeVisible();
    await expect(html).toHaveAttribute("lang", "id");

    await nav.getByRole("link", { name: "Daftar" }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Buat akun");

    // A full load too: the server renders it in the chosen language.
    await visit(page, "/forgot-password");
    await expect(html).toHaveAttribute("lang", "id");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Atur ulang kata sandi");
    await expect(page.getByLabel("Email atau nomor telepon")).toBeVisible();
  });

  await test.step("switch back to English", async () => {
    await hydrated(page);
    await languages.getByRole("button", { name: "English" }).click();
    await expect(html).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
    await expect(languages.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");
    await page.reload();
    await expect(html).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
  });
});

test("the language choice beats the browser's language", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL, locale: "id-ID" });
  const page = await context.newPage();
  await visit(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  await page.getByRole("group", { name: "Bahasa" }).getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Log in");
  await visit(page, "/signup");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create an account");
  await context.close();
});

test("the API page's own words follow the language; the quoted document stays as written", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL, locale: "id-ID" });
  const page = await context.newPage();
  await visit(page, "/docs/api");
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  await expect(page.getByText("dikutip dari dokumen tersebut, dalam bahasa Inggris")).toBeVisible();
  const bearer = page.locator("details.operation > summary", { hasText: "(perlu token bearer)" });
  await expect(bearer).toHaveCount(3);
  await bearer.first().click();
  await expect(page.getByRole("heading", { name: "Jawaban" }).first()).toBeVisible();
  await expect(page.getByText("(bearer token)")).toHaveCount(0);
  await context.close();
});
