import { expect, test, type Locator, type Page } from "@playwright/test";
import { uniquePhone, shownPhone } from "./support/accounts";
import { readCode, wrongCodeFor } from "./support/outbox";
import { secondsOf, visit } from "./support/page";

/** The "Phone code" tab with a code sent to a fresh number; returns the tab's panel. */
async function codeSentTo(page: Page, phone: string): Promise<Locator> {
  await visit(page, "/login?method=phone");
  const panel = page.getByRole("tabpanel", { name: "Phone code" });
  await panel.getByLabel("Phone number").fill(phone);
  await panel.getByRole("button", { name: "Send code" }).click();
  await expect(panel.getByText(`We sent a 6-digit code to ${shownPhone(phone)}.`)).toBeVisible();
  return panel;
}

test("a wrong code says so with the tries left, and five wrong codes lock the number", async ({ page }) => {
  const phone = uniquePhone();
  const panel = await codeSentTo(page, phone);
  const right = await readCode(page.context(), phone, "Login code");
  const wrong = wrongCodeFor(right);
  const code = panel.getByLabel("Code", { exact: true });
  const submit = panel.getByRole("button", { name: "Log in", exact: true });

  for (const left of [4, 3, 2]) {
    await test.step(`a wrong code: ${left} tries left`, async () => {
      await code.fill(wrong);
      await submit.click();
      await expect(code).toHaveAttribute("aria-invalid", "true");
      await expect(panel.getByText(`That code is not right. ${left} tries left.`)).toBeVisible();
      await expect(page).toHaveURL(/\/login/);
    });
  }

  await test.step("the fourth wrong code: one try left", async () => {
    await code.fill(wrong);
    await submit.click();
    // The wording of the singular has a test of its own, below.
    await expect(panel.getByText(/^That code is not right\. 1 tr(y|ies) left\.$/)).toBeVisible();
  });

  await test.step("the fifth wrong code locks the number", async () => {
    await code.fill(wrong);
    await submit.click();
    await expect(panel.getByText(/^Too many wrong codes\. This is locked for now; try again later\./)).toBeVisible();
    await expect(code).toHaveAttribute("aria-invalid", "true");
  });

  await test.step("while locked, even the right code is refused", async () => {
    await code.fill(right);
    await submit.click();
    await expect(panel.getByText(/^Too many wrong codes\. This is locked for now; try again later\./)).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });
});

test("the resend button waits, with a countdown in seconds that goes down, then lets a new code be asked for", async ({ page }) => {
  // The page's clock, moved by hand: the countdown is the page's own, from the wait the service gave.
  await page.clock.install();
  const panel = await codeSentTo(page, uniquePhone());
  const resend = panel.getByRole("button", { name: "Send a new code" });
  const countdown = panel.getByText(/^You can ask for a new code in \d+:\d\d\.$/);
  const seconds = async () => secondsOf((await countdown.textContent())!);

  await expect(resend).toBeDisabled();
  await expect(countdown).toBeVisible();
  // Stopped, so that only runFor moves it.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  await page.clock.runFor(1_000); // a tick of the countdown at the paused time
  const first = await seconds();
  expect(first).toBeGreaterThan(50);
  expect(first).toBeLessThanOrEqual(60);

  await page.clock.runFor(2_000);
  await expect.poll(seconds).toBe(first - 2);
  await expect(resend).toBeDisabled();

  await page.clock.runFor((first - 2) * 1000);
  await expect(resend).toBeEnabled();
  await expect(countdown).toBeHidden();
});

test("a code that is not six digits is refused without spending a try", async ({ page }) => {
  const phone = uniquePhone();
  const panel = await codeSentTo(page, phone);
  const code = panel.getByLabel("Code", { exact: true });
  await code.fill("123");
  await panel.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(panel.getByText("Enter the 6 digits of the code.")).toBeVisible();
  await expect(code).toHaveAttribute("aria-invalid", "true");

  // Letters never get in: the field keeps digits only.
  await code.fill("");
  await code.pressSequentially("12ab34");
  await expect(code).toHaveValue("1234");

  const right = await readCode(page.context(), phone, "Login code");
  await code.fill(wrongCodeFor(right));
  await panel.getByRole("button", { name: "Log in", exact: true }).click();
  // The first try that reached the service: all five were still there.
  await expect(panel.getByText("That code is not right. 4 tries left.")).toBeVisible();
});

test("one try left is said in the singular", async ({ page }) => {
  const phone = uniquePhone();
  const panel = await codeSentTo(page, phone);
  const wrong = wrongCodeFor(await readCode(page.context(), phone, "Login code"));
  const code = panel.getByLabel("Code", { exact: true });
  for (let i = 0; i < 4; i++) {
    await code.fill(wrong);
    await panel.getByRole("button", { name: "Log in", exact: true }).click();
    await expect(panel.getByText(new RegExp(`^That code is not right\\. ${4 - i} tr(y|ies) left\\.$`))).toBeVisible();
  }
  await expect(panel.getByText(/^That code is not right\./)).toHaveText("That code is not right. 1 try left.", { timeout: 2_000 });
});

test("a refused code puts the focus back on the code field, which describes the problem", async ({ page }) => {
  const phone = uniquePhone();
  const panel = await codeSentTo(page, phone);
  const code = panel.getByLabel("Code", { exact: true });
  const submit = panel.getByRole("button", { name: "Log in", exact: true });

  await test.step("too short, refused in the page", async () => {
    await code.fill("123");
    await submit.click();
    await expect(code).toHaveAccessibleDescription(/Enter the 6 digits of the code\./);
    // Every other form of the app moves focus to the field to fix (useFocusInvalid); a screen
    // reader user otherwise hears nothing, as the message is not a live region.
    await expect.soft(code).toBeFocused({ timeout: 2_000 });
  });

  await test.step("wrong, refused by the service", async () => {
    await code.fill(wrongCodeFor(await readCode(page.context(), phone, "Login code")));
    await submit.click();
    await expect(code).toHaveAccessibleDescription(/That code is not right\. 4 tries left\./);
    await expect.soft(code, "not lost to the page body when the busy button was disabled").toBeFocused({ timeout: 2_000 });
  });
});
