import { expect, test } from "@playwright/test";
import { expectAccessible, expectNoHorizontalScroll, screenshots } from "./support/checks";

test("the home page links to sign-up and log in, in the browser's language", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign up" })).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoHorizontalScroll(page);
  await screenshots(page, "home");
});

test.describe("Indonesian browser", () => {
  test.use({ locale: "id-ID" });
  test("gets the page in Indonesian", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    await expect(page.getByRole("link", { name: "Daftar" }).first()).toBeVisible();
  });
});
