import { expect, test, type Locator, type Page } from "@playwright/test";
import { newAccount, signUpByApi } from "./support/accounts";
import { makeAdmin } from "./support/database";
import { visit } from "./support/page";

/** The vertical middle of each element, rounded to the pixel. */
const middles = (items: Locator) => items.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2)));

/** How many rows the header's pieces (brand, each link or button, the language switch) sit on: middles more than 8 px apart. */
async function headerRows(page: Page): Promise<number> {
  const ys = (await middles(page.locator(".site-header .brand, .site-header li > *, .site-header .language-switch"))).sort((a, b) => a - b);
  return ys.filter((y, i) => i === 0 || y - ys[i - 1]! > 8).length;
}

test.describe("signed in as an admin", () => {
  test.beforeEach(async ({ context }) => {
    const account = await signUpByApi(context, newAccount("layout"));
    await makeAdmin(account.email);
  });

  test("the header's links and Log out share one line; on a phone the header is two rows, not three", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await visit(page, "/account");
    const items = page.getByRole("navigation", { name: "Main" }).getByRole("listitem");
    const ys = await middles(items.locator("> *"));
    expect(Math.max(...ys) - Math.min(...ys)).toBeLessThanOrEqual(1);
    expect(await headerRows(page)).toBe(1);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await headerRows(page)).toBe(2);
    // The Indonesian words are longer.
    await page.context().addCookies([{ name: "lang", value: "id", url: process.env.E2E_BASE_URL! }]);
    await visit(page, "/admin/audit");
    expect(await headerRows(page)).toBe(2);
  });

  test("the audit log fits: no column cut off at 1280 px, and on a phone each event is a card of labelled lines", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await visit(page, "/admin/audit");
    const scroller = page.getByRole("region", { name: "Audit events, newest first" });
    const overflow = () => scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    const firstRow = scroller.locator("tbody tr").first();
    const labels = await firstRow.locator("td").evaluateAll((tds) => tds.map((td) => getComputedStyle(td, "::before").content));
    expect(labels).toEqual(['"Time"', '"Kind"', '"Outcome"', '"User"', '"IP address"', '"Device"', '"Details"']);
  });
});

test("in Indonesian at 390 px, the account's email address breaks only after its @ or a dot, never inside a word", async ({ page, context }) => {
  await context.addCookies([{ name: "lang", value: "id", url: process.env.E2E_BASE_URL! }]);
  // A long address, longer than the line it is on.
  await signUpByApi(context, newAccount("layout", { email: `e2e-seorang.pengguna.dengan-alamat-panjang-${Date.now().toString(36)}@contoh-perusahaan.example.com` }));
  await page.setViewportSize({ width: 390, height: 844 });
  await visit(page, "/account");
  const address = page.locator(".address");
  await expect(address).toHaveCount(1);
  // Each piece between break points is one element; none of them may be laid out on two lines.
  const linesPerPiece = await address.locator("> span").evaluateAll((pieces) =>
    pieces.map((p) => new Set([...p.getClientRects()].map((r) => Math.round(r.top))).size),
  );
  expect(linesPerPiece.length).toBeGreaterThan(2);
  expect(linesPerPiece.every((n) => n === 1)).toBe(true);
  // And the address did need more than one line here.
  const lines = await address.locator("> span").evaluateAll((pieces) => new Set(pieces.map((p) => Math.round(p.getBoundingClientRect().top))).size);
  expect(lines).toBeGreaterThan(1);
});
