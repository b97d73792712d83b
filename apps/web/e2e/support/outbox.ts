import { expect, type BrowserContext, type Locator, type Page } from "@playwright/test";

/**
 * The dev outbox page, read the way a person reads it: open /dev/outbox?to=… in a new tab,
 * find the newest message of the right kind, and copy the code (or follow the link) in it.
 * Never the database; its JSON API only where an account is made without the screens
 * (signUpByApi in accounts.ts), because sign-up is not what the test is about.
 */

/** The outbox's English names for what a message is for (its heading reads "<kind> to <recipient>"). */
export type MessageKind =
  | "Sign-up code"
  | "Login code"
  | "Email verification"
  | "Phone verification"
  | "Password reset"
  | "PIN reset"
  | "Password changed"
  | "Unverified contact removed";

export interface OutboxMessage {
  /** The message's card on the page. */
  article: Locator;
  /** Its 6-digit code, when it has one. */
  code: string | null;
  /** Its text as shown. */
  text: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A new tab of `context` showing the messages to `to` (an email, or a phone number in any form). */
export async function openOutbox(context: BrowserContext, to: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/dev/outbox?to=${encodeURIComponent(to)}`);
  await expect(page.getByRole("heading", { level: 1, name: "Dev outbox" })).toBeVisible();
  return page;
}

/**
 * The newest message of this kind on the open outbox page. Messages are written when the
 * service answers, but the list is fetched once: until the message is there (or while the
 * newest one still has a code in `notCodes`, one already used), press Refresh and look again.
 */
export async function newestMessage(page: Page, kind: MessageKind, opts: { notCodes?: string[]; timeout?: number } = {}): Promise<OutboxMessage> {
  const notCodes = opts.notCodes ?? [];
  let found: OutboxMessage | undefined;
  let attempt = 0;
  await expect(async () => {
    if (attempt++ > 0) await page.getByRole("button", { name: "Refresh", exact: true }).click();
    // The count heading appears once the list has loaded.
    await expect(page.getByRole("heading", { level: 2, name: /^(\d+ messages?|No messages)/ })).toBeVisible({ timeout: 2_000 });
    const article = page
      .getByRole("article")
      .filter({ has: page.getByRole("heading", { level: 3, name: new RegExp(`^${escape(kind)} to `) }) })
      .first();
    await expect(article).toBeVisible({ timeout: 1_000 });
    const codeCell = article.locator('dt:text-is("Code") + dd');
    const code = (await codeCell.count()) ? ((await codeCell.textContent()) ?? "").trim() : null;
    if (code !== null) {
      expect(code).toMatch(/^\d{6}$/);
      expect(notCodes, "the newest code is one already used: waiting for the new message").not.toContain(code);
    }
    const text = ((await article.locator('dt:text-is("Text") + dd').textContent()) ?? "").trim();
    found = { article, code, text };
  }).toPass({ timeout: opts.timeout ?? 15_000, intervals: [250, 500, 1_000] });
  return found!;
}

/**
 * Opens the outbox in a new tab of `context`, copies the newest code of this kind sent to
 * `to`, and closes the tab again.
 */
export async function readCode(context: BrowserContext, to: string, kind: MessageKind, opts: { notCodes?: string[] } = {}): Promise<string> {
  const page = await openOutbox(context, to);
  try {
    const message = await newestMessage(page, kind, opts);
    expect(message.code, `the newest "${kind}" message to ${to} has a code`).not.toBeNull();
    return message.code!;
  } finally {
    await page.close();
  }
}

/** A six-digit code that is certainly not `code`: every digit moved on by one. */
export const wrongCodeFor = (code: string): string => [...code].map((d) => String((Number(d) + 1) % 10)).join("");
