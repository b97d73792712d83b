import { expect, test, type Page } from "@playwright/test";
import { e164, fact, logOut, newAccount, shownPhone, startSignUp, uniquePhone, type Account } from "./support/accounts";
import { newestMessage, openOutbox, readCode } from "./support/outbox";
import { arrived, hydrated, visit } from "./support/page";

/**
 * Issue 19, the phone trap, walked as a person would: sign up on the web with email, password
 * and phone, then come back later by a code to that phone. Proven in the sign-up flow, the
 * phone leads back into the same account; left for later, the phone code opens a separate
 * account, and both people are told what happened.
 */

/** The sign-up form, then the emailed code: the page ends on the phone step. */
async function signUpToPhoneStep(page: Page, account: Account): Promise<void> {
  await startSignUp(page, account);
  const code = await readCode(page.context(), account.email, "Sign-up code");
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Confirm and create account" }).click();
  await arrived(page, /\/verify\/phone/);
  await expect(page.getByRole("heading", { level: 1, name: "Verify your phone number" })).toBeVisible();
  await expect(page.getByText(`We sent a 6-digit code to ${shownPhone(account.phone!)}.`)).toBeVisible();
}

/** The phone tab of /login: a code to `phone`, typed in; answers the code used. */
async function phoneCodeLogin(page: Page, phone: string): Promise<void> {
  await visit(page, "/login?method=phone");
  const panel = page.getByRole("tabpanel", { name: "Phone code" });
  await expect(
    panel.getByText("A number not yet verified on an account logs you in to a separate, new account: verify it on your account page first."),
  ).toBeVisible();
  await panel.getByLabel("Phone number").fill(phone);
  await panel.getByRole("button", { name: "Send code" }).click();
  await expect(panel.getByText(`We sent a 6-digit code to ${shownPhone(phone)}.`)).toBeVisible();
  await panel.getByLabel("Code", { exact: true }).fill(await readCode(page.context(), phone, "Login code"));
  await panel.getByRole("button", { name: "Log in", exact: true }).click();
}

test("a phone proven in the sign-up flow logs back into the same account", async ({ page }) => {
  const account = newAccount("trap-proven", { phone: uniquePhone() });

  await test.step("sign up: after the email's code comes a second code, to the phone", async () => {
    await signUpToPhoneStep(page, account);
    await page.getByLabel("Code", { exact: true }).fill(await readCode(page.context(), account.phone!, "Phone verification"));
    await page.getByRole("button", { name: "Verify phone number" }).click();
    await arrived(page, /\/account$/);
    await expect(fact(page, "Phone")).toContainText(shownPhone(account.phone!));
    await expect(fact(page, "Phone")).toContainText("Verified");
    await expect(fact(page, "Phone")).not.toContainText("Not verified");
  });

  await test.step("log out, log in by phone code: the same account, with its email", async () => {
    await logOut(page);
    await phoneCodeLogin(page, account.phone!);
    await arrived(page, /\/account$/);
    await expect(fact(page, "Email")).toContainText(account.email);
    await expect(fact(page, "Name")).toHaveText(account.fullName);
  });
});

test("a phone left for later: the phone code opens a separate account, the person is told, and the owner gets an email", async ({ page }) => {
  const account = newAccount("trap-later", { phone: uniquePhone() });

  await test.step("sign up and choose Later at the phone step: the phone shows as not verified, with no promise it logs in", async () => {
    await signUpToPhoneStep(page, account);
    await page.getByRole("button", { name: "Later" }).click();
    await arrived(page, /\/account$/);
    const phone = fact(page, "Phone");
    await expect(phone).toContainText(shownPhone(account.phone!));
    await expect(phone).toContainText("Not verified");
    await expect(phone).toContainText("Until it is verified, this number does not log you in to this account.");
    await expect(phone.getByRole("button", { name: "Verify it now (Phone)" })).toBeVisible();
  });

  await test.step("later, another person with that phone logs in by code: one clear sentence, then a new account", async () => {
    await logOut(page);
    await phoneCodeLogin(page, account.phone!);
    await expect(page.getByRole("status").filter({ hasText: "This number was on another account" })).toHaveText(
      "This number was on another account that had not verified it, so it was removed from there and you are now logged in to a new account for this number.",
    );
    await page.getByRole("link", { name: "Continue" }).click();
    await arrived(page, /\/account$/);
    await expect(fact(page, "Email")).toHaveText("Not set");
    await expect(fact(page, "Phone")).toContainText("Verified");
  });

  await test.step("the owner's email gets the notice, with the number masked and no code", async () => {
    const outbox = await openOutbox(page.context(), account.email);
    const notice = await newestMessage(outbox, "Unverified contact removed");
    expect(notice.code).toBeNull();
    expect(notice.text).toContain("was on your account but was never verified");
    expect(notice.text).toContain("you can add it to your account again and verify it");
    expect(notice.text).not.toContain(e164(account.phone!));
    await outbox.close();
  });

  await test.step("the owner still logs in with email and password, to their account without the phone", async () => {
    await hydrated(page);
    await logOut(page);
    await visit(page, "/login");
    const panel = page.getByRole("tabpanel", { name: "Password" });
    await panel.getByLabel("Email, username or phone number").fill(account.email);
    await panel.getByLabel("Password", { exact: true }).fill(account.password);
    await panel.getByRole("button", { name: "Log in", exact: true }).click();
    await arrived(page, /\/account$/);
    await expect(fact(page, "Name")).toHaveText(account.fullName);
    await expect(fact(page, "Phone")).toHaveText("Not set");
  });
});

test("the account page's 'Verify it now' proves an unverified phone in place", async ({ page }) => {
  const account = newAccount("trap-verify-now", { phone: uniquePhone() });
  await signUpToPhoneStep(page, account);
  await page.getByRole("button", { name: "Later" }).click();
  await arrived(page, /\/account$/);
  // The phone step's code is still live and within its cooldown: the page takes it up again.
  await fact(page, "Phone").getByRole("button", { name: "Verify it now (Phone)" }).click();
  const step = page.getByRole("region", { name: "Verify your phone number" });
  await expect(step).toBeVisible();
  await step.getByLabel("Code", { exact: true }).fill(await readCode(page.context(), account.phone!, "Phone verification"));
  await step.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByText("Your phone number is verified.")).toBeVisible();
  await expect(fact(page, "Phone")).toContainText("Verified");
  await expect(fact(page, "Phone")).not.toContainText("Until it is verified");
});
