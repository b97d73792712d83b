import { expect, test } from "@playwright/test";
import { hydrated } from "./support/page";

/**
 * The pages' Content-Security-Policy (a nonce per page, no unsafe-inline) must not cost the
 * app anything: every page hydrates, and the browser reports no violation on the way,
 * including client-side navigations and Next's own 404.
 */
test("pages run under their Content-Security-Policy without a single violation", async ({ page }) => {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (msg) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) violations.push(msg.text());
  });
  const collect = async () => violations.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])));

  for (const path of ["/", "/login", "/signup", "/forgot-password", "/dev/outbox", "/docs/api", "/no-such-page"]) {
    const res = await page.goto(path);
    expect(res?.headers()["content-security-policy"], path).toMatch(/'nonce-[^']+'/);
    await hydrated(page);
    await collect();
  }
  // A client-side navigation loads more chunks: 'strict-dynamic' lets the nonce'd runtime load them.
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await hydrated(page);
  await collect();
  expect(violations).toEqual([]);
});
