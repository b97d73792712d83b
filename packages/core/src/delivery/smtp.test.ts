/**
 * Email over a real SMTP conversation: nodemailer (smtpTransport) talks to smtp-server
 * listening on 127.0.0.1, and the test reads the message as it came over the wire.
 */
import { rmSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { authError, cleanupsEachTest, outboxRows, PASSWORD, tableRows } from "../test-helpers";
import { createTestAuth } from "../testing";
import { smtpTransport } from "./smtp";
import { codeIn, startSmtpReceiver, type SmtpReceiver } from "@authsvc/testing/receivers";

const MAIL_FROM = '"Authsvc Test" <no-reply@authsvc.test>';
const EMAIL = "ana@example.com";

const cleanups = cleanupsEachTest();
let smtp: SmtpReceiver;

beforeEach(async () => {
  smtp = await startSmtpReceiver();
  cleanups.push(() => smtp.close());
});

/** An Auth whose email goes through real SMTP to the test's server. */
function smtpAuth(url = smtp.url, options: Parameters<typeof createTestAuth>[0] = {}, timeoutMs = 2_000) {
  const email = smtpTransport({ url, from: MAIL_FROM, timeoutMs });
  const t = createTestAuth({ publicUrl: "https://auth.example.com", ...options }, { transports: { email } });
  cleanups.push(() => email.close(), () => t.store.close(), () => rmSync(t.dataDir, { recursive: true, force: true }));
  return t;
}

describe("SMTP transport against a real SMTP server", () => {
  it("delivers the sign-up code in the text and HTML parts, with the English subject, From = MAIL_FROM", async () => {
    const t = smtpAuth();
    const pending = await t.auth.startRegistration({ email: "Ana@Example.com", password: PASSWORD });

    const mail = await smtp.waitForMail(1);
    expect(mail.envelopeTo).toEqual([EMAIL]);
    expect(mail.envelopeFrom).toBe("no-reply@authsvc.test");
    // The header as the recipient sees it: the display name and the address of MAIL_FROM.
    expect(mail.from.replace(/"/g, "")).toBe("Authsvc Test <no-reply@authsvc.test>");
    expect(mail.headers.to).toContain(EMAIL);
    expect(mail.subject).toBe("Your sign-up code");

    const code = codeIn(mail.text);
    expect(mail.text).toBe(`Your sign-up code is ${code}. It expires in 5 minutes.`);
    expect(mail.html).toContain(`<html lang="en">`);
    expect(mail.html).toContain(`>${code}</strong>`);
    expect(mail.headers["content-type"]).toMatch(/^multipart\/alternative/);

    const [row] = (await outboxRows(t));
    expect(row).toMatchObject({ channel: "email", to: EMAIL, purpose: "signup", status: "sent", attempts: 1, error: null, nextAttemptAt: null });
    expect(row!.sentAt).toEqual(expect.any(Number));
    expect(mail.headers["x-authsvc-message-id"]).toBe(String(row!.id));
    // Delivered: the row keeps the record, not the code (hole 9).
    expect(row!.code).toBeNull();
    expect(row!.text).not.toContain(code);

    // The code that came over SMTP is the one that completes the sign-up.
    const signedIn = await t.auth.completeRegistration({ verificationId: pending.verificationId, code }, { type: "jwt" });
    expect(signedIn.user.email).toBe(EMAIL);
    expect(smtp.mails).toHaveLength(1);
  });

  it("uses the Indonesian subject and text for locale id", async () => {
    const t = smtpAuth();
    await t.auth.startRegistration({ email: EMAIL, password: PASSWORD }, undefined, "id");

    const mail = await smtp.waitForMail(1);
    expect(mail.subject).toBe("Kode pendaftaran Anda");
    const code = codeIn(mail.text);
    expect(mail.text).toBe(`Kode pendaftaran Anda adalah ${code}. Berlaku 5 menit.`);
    expect(mail.html).toContain(`<html lang="id">`);
    expect(mail.html).toContain(`>${code}</strong>`);
    expect(mail.html).toContain("<title>Kode pendaftaran Anda</title>");
    expect((await outboxRows(t))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("sends the password reset email with the code and a /reset-password?token= link that works", async () => {
    const t = smtpAuth();
    const pending = await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    const signup = await smtp.waitForMail(1);
    await t.auth.completeRegistration({ verificationId: pending.verificationId, code: codeIn(signup.text) }, { type: "jwt" });

    await t.auth.requestPasswordReset({ identifier: EMAIL, link: true });
    const mail = await smtp.waitForMail(2);
    expect(mail.subject).toBe("Reset your password");
    expect(mail.from.replace(/"/g, "")).toBe("Authsvc Test <no-reply@authsvc.test>");
    const code = codeIn(mail.text);
    const link = /https:\/\/auth\.example\.com\/reset-password\?token=(\S+)/.exec(mail.text);
    expect(link, mail.text).not.toBeNull();
    // The HTML part makes the same link clickable.
    expect(mail.html).toContain(`<a href="${link![0]}">`);
    expect(mail.html).toContain(`>${code}</strong>`);

    const principal = (await t.auth.authenticate(decodeURIComponent(link![1]!)));
    expect(principal.scope).toBe("password_reset");
    await t.auth.changePassword(principal, { newPassword: "a brand new passphrase" });
    await expect(t.auth.loginWithPassword({ identifier: EMAIL, password: "a brand new passphrase" }, { type: "jwt" })).resolves.toBeDefined();

    // sign-up, reset, and the "password changed" notice: all sent on the first try (the
    // last two after the answer, so the row's status follows the mail by a moment).
    await smtp.waitForMail(3);
    expect(smtp.mails[2]!.subject).toBe("Your password was changed");
    await vi.waitFor(async () => expect((await outboxRows(t)).every((r) => r.status === "sent")).toBe(true));
    expect((await outboxRows(t)).map((r) => [r.purpose, r.status, r.attempts])).toEqual([
      ["signup", "sent", 1],
      ["password_reset", "sent", 1],
      ["password_changed", "sent", 1],
    ]);
  });

  it("logs in to an SMTP server that requires AUTH with the URL's credentials", async () => {
    const authed = await startSmtpReceiver({ auth: { user: "mailer", pass: "s3cret pass" } });
    cleanups.push(() => authed.close());
    const t = smtpAuth(authed.url);
    await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    expect((await authed.waitForMail(1)).subject).toBe("Your sign-up code");
    expect((await outboxRows(t))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a refused connection answers DELIVERY_FAILED and leaves a failed row to retry; the reason never holds the message", async () => {
    const port = smtp.port;
    await smtp.close();
    cleanups.length = 0;
    const t = smtpAuth(`smtp://127.0.0.1:${port}`);
    const err = await authError(t.auth.startRegistration({ email: EMAIL, password: PASSWORD }));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(err.detail.retryAfterSec).toBe(5);
    const [row] = (await tableRows(t, "outbox"));
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.next_attempt_at).toEqual(expect.any(Number));
    expect(String(row!.error)).toMatch(/ECONNREFUSED/);
    expect(String(row!.error)).not.toContain(String(row!.code));
  });

  it("a server that takes the message and never answers fails with a timeout, not a hung request", async () => {
    const hanging = await startSmtpReceiver({ hang: true });
    cleanups.push(() => hanging.close());
    const t = smtpAuth(hanging.url, {}, 300);
    // A hang would be caught by the test's own timeout; the row says it was the transport's.
    const err = await authError(t.auth.startRegistration({ email: EMAIL, password: PASSWORD }));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(hanging.mails).toHaveLength(1);
    const [row] = (await outboxRows(t));
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.error).toMatch(/time|abort/i);
  });
});
