import { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { readCode } from "./outbox";
import { arrived, hydrated, visit } from "./page";

/**
 * Every test uses its own addresses and numbers: all tests share one server, whose limits
 * count per destination (cooldowns, wrong-code locks) and per client address.
 */
let counter = 0;
const stamp = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export const uniqueEmail = (tag: string) => `e2e-${tag}-${stamp()}@example.com`;
export const uniqueUsername = (tag: string) => `${tag}_${stamp()}`;
/** An Indonesian mobile number as people type it: 0812 and eight digits. */
export function uniquePhone(): string {
  const digits = `${String(Date.now() % 1_000_000).padStart(6, "0")}${String(counter++ % 100).padStart(2, "0")}`;
  return `0812${digits}`;
}
/** The same number as the service stores and shows it (E.164). */
export const e164 = (localPhone: string) => `+62${localPhone.replace(/\D/g, "").replace(/^0/, "")}`;
/** The same number as the pages show it, grouped for reading: +62 812 3456 7890. */
export function shownPhone(localPhone: string): string {
  const national = e164(localPhone).slice(3);
  return `+62 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;
}

export interface Account {
  email: string;
  password: string;
  fullName: string;
  username: string;
  phone?: string;
}

export function newAccount(tag: string, extra: Partial<Account> = {}): Account {
  const s = stamp();
  return {
    email: uniqueEmail(tag),
    password: `Lumbung-${s}-Padi!`,
    fullName: `Test ${tag} ${s}`,
    username: uniqueUsername(tag),
    ...extra,
  };
}

/** A context of its own (no cookies), with the suite's base URL and an English browser. */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ baseURL: process.env.E2E_BASE_URL, locale: "en-US" });
}

/** The definition next to a term in a facts list, like "Customer number" on /account. */
export const fact = (scope: Page | Locator, term: string): Locator => scope.locator(`dt:text-is("${term}") + dd`);

/** Fills the sign-up form and submits it; the page is then on /verify. */
export async function startSignUp(page: Page, account: Account): Promise<void> {
  await visit(page, "/signup");
  await expect(page.getByRole("heading", { level: 1, name: "Create an account" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Full name").fill(account.fullName);
  await page.getByLabel("Username").fill(account.username);
  if (account.phone) await page.getByLabel("Phone number (optional)").fill(account.phone);
  await page.getByRole("button", { name: "Create account" }).click();
  await arrived(page, /\/verify\?/);
  await expect(page.getByRole("heading", { level: 1, name: "Confirm your email" })).toBeVisible();
}

/** On /verify: the emailed code, read from the outbox in a new tab, creates the account and signs in. */
export async function finishSignUp(page: Page, account: Account): Promise<void> {
  const code = await readCode(page.context(), account.email, "Sign-up code");
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Confirm and create account" }).click();
  await arrived(page, /\/account$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
}

/** Fills the password tab of /login (optionally with ?next=) and submits it. */
export async function submitPasswordLogin(page: Page, identifier: string, password: string): Promise<void> {
  if (!/\/login(\?|$)/.test(page.url())) await visit(page, "/login");
  else await hydrated(page);
  await expect(page.getByRole("tab", { name: "Password" })).toHaveAttribute("aria-selected", "true");
  const panel = page.getByRole("tabpanel", { name: "Password" });
  await panel.getByLabel("Email, username or phone number").fill(identifier);
  await panel.getByLabel("Password", { exact: true }).fill(password);
  await panel.getByRole("button", { name: "Log in", exact: true }).click();
}

/** Password login that is expected to work: ends on `landing` (the account page unless ?next= says otherwise). */
export async function loginWithPassword(page: Page, identifier: string, password: string, landing: RegExp = /\/account$/): Promise<void> {
  await submitPasswordLogin(page, identifier, password);
  await arrived(page, landing);
}

/** The header's "Log out": back on /login, signed out. */
export async function logOut(page: Page): Promise<void> {
  await hydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" }).click();
  await arrived(page, /\/login$/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
}

/** A tRPC mutation's data (no transformer: the input is the JSON body), from the context's own client. */
async function mutation(request: APIRequestContext, procedure: string, input: unknown): Promise<Record<string, unknown>> {
  const res = await request.post(`${process.env.E2E_BASE_URL}/api/trpc/${procedure}`, { data: input });
  const text = await res.text();
  expect(res.status(), `${procedure}: ${text}`).toBe(200);
  return (JSON.parse(text) as { result: { data: Record<string, unknown> } }).result.data;
}

/**
 * An account made through the API, for tests whose subject is not sign-up (auth-signup.spec.ts
 * and the phone trap's specs walk the screens): auth.register, the emailed code from the dev
 * outbox's JSON, and auth.verifyRegistration with the session in a cookie, so `context` ends
 * signed in to it as the screens would leave it (its pages then open /account signed in).
 */
export async function signUpByApi(context: BrowserContext, account: Account = newAccount("user")): Promise<Account> {
  const { email, password, fullName, username } = account;
  const { verificationId } = await mutation(context.request, "auth.register", { email, password, fullName, username });
  const outbox = await context.request.get(`${process.env.E2E_BASE_URL}/api/dev/outbox?to=${encodeURIComponent(email)}`);
  expect(outbox.status(), await outbox.text()).toBe(200);
  const { messages } = (await outbox.json()) as { messages: { purpose: string; code: string | null }[] };
  const code = messages.find((m) => m.purpose === "signup")?.code;
  expect(code, `a sign-up code for ${email}`).toMatch(/^\d{6}$/);
  await mutation(context.request, "auth.verifyRegistration", { verificationId, code, delivery: "cookie" });
  return account;
}

/**
 * One account for tests that only need "some account": made once per worker through the API
 * (signUpByApi), in a context of its own. Nothing may change its password or PIN.
 */
let shared: Promise<Account> | undefined;
export function sharedAccount(browser: Browser): Promise<Account> {
  shared ??= (async () => {
    const context = await newContext(browser);
    try {
      return await signUpByApi(context, newAccount("shared"));
    } finally {
      await context.close();
    }
  })();
  shared.catch(() => (shared = undefined));
  return shared;
}
