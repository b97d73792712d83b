import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const SCREEN_DIR = path.resolve(import.meta.dirname, "..", "..", "test-results", "screens");
export const WIDTHS = [375, 1280] as const;

/** Screenshots of the page as it is now, at a phone's and a desktop's width, kept as artifacts. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREEN_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SCREEN_DIR, `${name}-${width}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** The axe findings (WCAG 2.x A and AA rules) that are serious or critical, one line each. */
export async function seriousAxeFindings(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  return bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
}

/** An axe scan with no serious or critical finding (WCAG 2.x A and AA rules). */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAxeFindings(page)).toEqual([]);
}

/** Nothing is wider than the viewport: no sideways scrolling on a phone. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The phone widths checked for sideways scrolling. */
export const PHONE_WIDTHS = [360, 375, 390] as const;

/** How many pixels wider than the viewport the page is, at each phone width; the viewport is put back afterwards. */
export async function overflowOnPhones(page: Page): Promise<Record<number, number>> {
  const before = page.viewportSize();
  const out: Record<number, number> = {};
  for (const width of PHONE_WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    out[width] = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  }
  if (before) await page.setViewportSize(before);
  return out;
}

/**
 * Everything asked of every screen, in its current state: an axe scan with no serious or
 * critical finding, no sideways scroll at 360, 375 and 390 px, and screenshots at 375 and 1280 px.
 * Soft checks, so one finding does not hide the others; the test still fails on any.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  expect.soft(await seriousAxeFindings(page), `serious or critical axe findings on ${name}`).toEqual([]);
  expect.soft(await overflowOnPhones(page), `pixels of horizontal scroll on ${name} at 360, 375 and 390 px`).toEqual({ 360: 0, 375: 0, 390: 0 });
  await screenshots(page, name);
}
