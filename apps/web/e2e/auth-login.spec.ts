import { expect, test, type Locator, type Page } from "@playwright/test";
import { fact, loginWithPassword, logOut, sharedAccount, submitPasswordLogin, uniquePhone, shownPhone } from "./support/accounts";
import { readCode } from "./support/outbox";
import { arrived, visit } from "./support/page";

test("password login with email, then with username; a wrong password is refused", async ({ page, browser }) => {
  const account = await sharedAccount(browser);

  await test.step("a wrong password: a message, and still on /login", async () => {
    await submitPasswordLogin(page, account.email, `${account.password}x`);
    await expect(page.getByRole("tabpanel", { name: "Password" }).getByRole("alert")).toHaveText("Wrong email, username, phone number or password.");
    await expect(page).toHaveURL(/\/login$/);
  });

  await test.step("the right password by email signs in", async () => {
    await loginWithPassword(page, account.email, account.password);
    await expect(fact(page, "Email")).toContainText(account.email);
    await logOut(page);
  });

  await test.step("the username works as well", async () => {
    await loginWithPassword(page, account.username, account.password);
    await expect(fact(page, "Username")).toHaveText(account.username);
  });
});

/** The "Phone code" tab of /login: number → code from the outbox → signed in. */
async function phoneLogin(page: Page, phone: string, usedCodes: string[] = []): Promise<string> {
  await visit(page, "/login?method=phone");
  await expect(page.getByRole("tab", { name: "Phone code" })).toHaveAttribute("aria-selected", "true");
  const panel = page.getByRole("tabpanel", { name: "Phone code" });
  await panel.getByLabel("Phone number").fill(phone);
  await panel.getByRole("button", { name: "Send code" }).click();
  await expect(panel.getByText(`We sent a 6-digit code to ${shownPhone(phone)}.`)).toBeVisible();
  const code = await readCode(page.context(), phone, "Login code", { notCodes: usedCodes });
  await panel.getByLabel("Code", { exact: true }).fill(code);
  await panel.getByRole("button", { name: "Log in", exact: true }).click();
  await arrived(page, /\/account$/);
  return code;
}

const customerNumber = (page: Page): Locator => fact(page, "Customer number");

test("phone-code login: a new number becomes an account, and the same number comes back to it", async ({ page }) => {
  const phone = uniquePhone();

  const first = await test.step("a new number: the code creates the account and signs in", async () => {
    const code = await phoneLogin(page, phone);
    await expect(fact(page, "Phone")).toContainText(shownPhone(phone));
    await expect(fact(page, "Phone")).toContainText("Verified");
    await expect(customerNumber(page)).toHaveText(/^\d+$/);
    return { code, customer: (await customerNumber(page).textContent())!, accountNumber: (await fact(page, "Account number").textContent())! };
  });

  await logOut(page);

  await test.step("the same number again: the same account", async () => {
    await phoneLogin(page, phone, [first.code]);
    await expect(fact(page, "Phone")).toContainText(shownPhone(phone));
    await expect(customerNumber(page)).toHaveText(first.customer);
    await expect(fact(page, "Account number")).toHaveText(first.accountNumber);
  });
});

test("a signed-out visit to /account goes to log in, and logging in comes back to /account", async ({ page, browser }) => {
  const account = await sharedAccount(browser);
  await visit(page, "/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await loginWithPassword(page, account.email, account.password);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
});

test("a ?next= address on another site is ignored: logging in lands on the account page", async ({ page, browser }) => {
  const account = await sharedAccount(browser);
  for (const next of ["https://example.org/phish", "//example.org/phish"]) {
    await visit(page, `/login?next=${encodeURIComponent(next)}`);
    await loginWithPassword(page, account.email, account.password);
    expect(new URL(page.url()).origin).toBe(new URL(process.env.E2E_BASE_URL!).origin);
    await logOut(page);
  }
});

test("the PIN and unlock pages send a signed-out visitor to log in first, and back to themselves after", async ({ page }) => {
  for (const [path, next] of [
    ["/pin", "%2Fpin"],
    ["/unlock", "%2Funlock"],
    ["/unlock?next=%2Faccount", "%2Funlock%3Fnext%3D%252Faccount"],
  ] as const) {
    await visit(page, path);
    await expect(page).toHaveURL(new RegExp(`/login\\?next=${next}$`));
  }
});

test("password login with the keyboard only", async ({ page, browser }) => {
  const account = await sharedAccount(browser);
  await visit(page, "/login");
  const panel = page.getByRole("tabpanel", { name: "Password" });

  /** Presses Tab until `target` has the focus, as someone without a mouse would. */
  async function tabTo(target: Locator, most = 25): Promise<void> {
    for (let i = 0; i < most; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press("Tab");
    }
    await expect(target, "reachable with Tab").toBeFocused();
  }

  await tabTo(panel.getByLabel("Email, username or phone number"));
  await page.keyboard.type(account.email);
  await page.keyboard.press("Tab");
  await expect(panel.getByLabel("Password", { exact: true })).toBeFocused();
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
  await arrived(page, /\/account$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
});

test("the login tabs follow the address and the arrow keys", async ({ page }) => {
  await visit(page, "/login?method=pin");
  await expect(page.getByRole("tab", { name: "PIN" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tabpanel", { name: "PIN" }).getByLabel("Username")).toBeVisible();
  await page.getByRole("tab", { name: "PIN" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("tab", { name: "Phone code" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "Phone code" })).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/method=phone/);
  await expect(page.getByRole("tabpanel", { name: "Phone code" }).getByLabel("Phone number")).toBeVisible();
});

test.describe("before the page's script has run", () => {
  test.use({ javaScriptEnabled: false });

  test("submitting the password form never puts the password in the address", async ({ page }) => {
    await page.goto("/login");
    const panel = page.getByRole("tabpanel", { name: "Password" });
    await panel.getByLabel("Email, username or phone number").fill("someone@example.com");
    await panel.getByLabel("Password", { exact: true }).fill("Secret-Pass-1234");
    // The button waits for the script; Enter cannot submit past a disabled button either.
    await expect(panel.getByRole("button", { name: "Log in", exact: true })).toBeDisabled();
    await panel.getByLabel("Password", { exact: true }).press("Enter");
    await page.waitForLoadState();
    expect([...new URL(page.url()).searchParams.values()]).not.toContain("Secret-Pass-1234");
  });

  test("submitting the PIN form never puts the PIN in the address", async ({ page }) => {
    await page.goto("/login?method=pin");
    const panel = page.getByRole("tabpanel", { name: "PIN" });
    await panel.getByLabel("Username").fill("someone");
    await panel.getByLabel("PIN", { exact: true }).fill("480715");
    await expect(panel.getByRole("button", { name: "Log in", exact: true })).toBeDisabled();
    await panel.getByLabel("PIN", { exact: true }).press("Enter");
    await page.waitForLoadState();
    expect([...new URL(page.url()).searchParams.values()]).not.toContain("480715");
  });
});
