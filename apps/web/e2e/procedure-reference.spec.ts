import { expect, test } from "@playwright/test";
import { checkScreen } from "./support/checks";

/** The typed API's procedures on /docs/api, from the reference packages/api generates (docs/api.md is the same). */
test("the typed procedures are listed beside the REST routes, the step-up ones marked", async ({ page }) => {
  await page.goto("/docs/api");
  const section = page.getByRole("region", { name: "Typed procedures (tRPC)" });
  await expect(section).toBeVisible();
  const register = section.locator("details.operation").filter({ has: page.getByText("auth.register", { exact: true }) });
  await expect(register.locator("summary")).toContainText("public");
  await expect(register.locator("summary")).not.toContainText("step-up");
  const removeFactor = section.locator("details.operation").filter({ has: page.getByText("security.removeFactor", { exact: true }) });
  await expect(removeFactor.locator("summary")).toContainText("signed in");
  await expect(removeFactor.locator("summary")).toContainText("needs step-up");
  await removeFactor.locator("summary").click();
  await expect(removeFactor.getByRole("heading", { name: "Input (JSON Schema)" })).toBeVisible();
  await expect(removeFactor.getByText("STEP_UP_REQUIRED")).toBeVisible();
  await expect(removeFactor.getByText("recoveryCodesLeft: number;")).toBeVisible();
  // The REST section is still there, above.
  await expect(page.getByRole("heading", { level: 1, name: "REST API" })).toBeVisible();
  await checkScreen(page, "docs-api-procedures");
});

test.describe("Indonesian browser", () => {
  test.use({ locale: "id-ID" });
  test("gets the section's words in Indonesian", async ({ page }) => {
    await page.goto("/docs/api");
    const section = page.getByRole("region", { name: "Prosedur bertipe (tRPC)" });
    await expect(section).toBeVisible();
    const removeFactor = section.locator("details.operation").filter({ has: page.getByText("security.removeFactor", { exact: true }) });
    await expect(removeFactor.locator("summary")).toContainText("perlu verifikasi ulang");
  });
});
