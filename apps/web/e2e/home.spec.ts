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

test("a first visit loads with nothing missing: the page names its icon, which is there", async ({ page }) => {
  const missing: string[] = [];
  page.on("response", (res) => {
    if (res.status() >= 400) missing.push(`${res.status()} ${res.url()}`);
  });
  await page.goto("/");
  const icon = page.locator('link[rel="icon"]');
  await expect(icon).toHaveCount(1);
  const href = await icon.getAttribute("href");
  const res = await page.request.get(new URL(href!, page.url()).toString());
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
  await page.waitForLoadState("networkidle");
  expect(missing).toEqual([]);
});
