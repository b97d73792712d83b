import { expect, type Page } from "@playwright/test";

/**
 * Waits until React has taken over the page: every form, field, button and link is wired
 * to its handlers. Until then a click does nothing (or, for a form, submits it natively), so
 * a test that types or clicks earlier would race the page's JavaScript, which a person on a
 * fast machine never notices.
 */
export async function hydrated(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page
          .evaluate(() => {
            const elements = [...document.querySelectorAll("main, form, input, button, a")];
            return elements.length > 0 && elements.every((el) => Object.keys(el).some((k) => k.startsWith("__reactProps$")));
          })
          // A navigation under way replaces the document: look again once the new one is there.
          .catch(() => false),
      { message: `the page's script took over ${page.url()}`, timeout: 15_000, intervals: [50, 100, 250] },
    )
    .toBe(true);
}

/** Opens `path` and waits until it can be used. */
export async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await hydrated(page);
}

/** After a navigation the test caused: on `url`, and usable. */
export async function arrived(page: Page, url: RegExp): Promise<void> {
  await expect(page).toHaveURL(url);
  await hydrated(page);
}

/** The seconds of the first `m:ss` countdown in a text ("… in 4:57."). */
export function secondsOf(text: string): number {
  const [, m, s] = /(\d+):(\d\d)/.exec(text) ?? [];
  if (m === undefined || s === undefined) throw new Error(`no m:ss countdown in "${text}"`);
  return Number(m) * 60 + Number(s);
}
