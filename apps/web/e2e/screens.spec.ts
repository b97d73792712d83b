import { expect, test, type Page } from "@playwright/test";
import { signUpByApi } from "./support/accounts";
import { visit } from "./support/page";

/**
 * The main screens as pictures, at a phone's and a desktop's width, in both languages: a
 * layout slip (a header on three rows, a card off-centre, a clipped column) fails here even
 * where every role and text is still right. The pictures are in e2e/__screenshots__; after a
 * change meant to be seen, make them again with `pnpm --filter @authsvc/web test:e2e
 * --update-snapshots` and look at the difference before committing it. What differs per run
 * (names, numbers, times) is masked.
 */

const WIDTHS = [390, 1280] as const;
const LOCALES = ["en", "id"] as const;

async function inLanguage(page: Page, locale: (typeof LOCALES)[number]): Promise<void> {
  await page.context().addCookies([{ name: "lang", value: locale, url: process.env.E2E_BASE_URL! }]);
}

async function picture(page: Page, name: string, mask = [] as ReturnType<Page["locator"]>[]): Promise<void> {
  await expect(page).toHaveScreenshot(`${name}.png`, { fullPage: true, mask, maxDiffPixelRatio: 0.002 });
}

for (const locale of LOCALES) {
  for (const width of WIDTHS) {
    test.describe(`${locale}, ${width} px`, () => {
      test.use({ viewport: { width, height: 844 } });

      for (const [name, path] of [
        ["home", "/"],
        ["login", "/login"],
        ["signup", "/signup"],
        ["forgot-password", "/forgot-password"],
      ] as const) {
        test(name, async ({ page }) => {
          await inLanguage(page, locale);
          await visit(page, path);
          await picture(page, `${name}-${locale}-${width}`);
        });
      }

      test("account", async ({ page, context }) => {
        await inLanguage(page, locale);
        await signUpByApi(context);
        await visit(page, "/account");
        // Who the account is and where it is signed in change with every run.
        await picture(page, `account-${locale}-${width}`, [page.locator("dl.facts dd"), page.getByRole("region", { name: /signed in|masuk/i }).locator("ul")]);
      });
    });
  }
}
