import nodemailer from "nodemailer";
import type { Transport } from "./transport";

export interface SmtpOptions {
  /** smtp://user:pass@host:587 or smtps://…:465 */
  url: string;
  /** The From header, e.g. `"Acme" <no-reply@acme.example>`. */
  from: string;
  timeoutMs?: number;
}

/** Email through any SMTP server; pooled, so a burst of codes reuses connections. */
export function smtpTransport(options: SmtpOptions): Transport & { close(): void } {
  const timeout = options.timeoutMs ?? 10_000;
  const mailer = nodemailer.createTransport(options.url, {
    pool: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[1]);
  return {
    name: "smtp",
    async send(message) {
      try {
        await sendMail(message);
      } catch (err) {
        // nodemailer says "Message sending aborted"; say what happened, as the SMS side does.
        if ((err as { code?: string }).code === "EABORT") throw new Error(`SMTP timed out after ${timeout * 2} ms`);
        throw err;
      }
    },
    close: () => mailer.close(),
  };

  function sendMail(message: Parameters<Transport["send"]>[0]) {
    return mailer.sendMail({
      from: options.from,
      to: message.to,
      subject: message.subject ?? undefined,
      text: message.text,
      html: message.html ?? undefined,
      // The outbox id makes retries of one message recognisable to the provider.
      headers: { "X-Authsvc-Message-Id": String(message.id) },
      signal: AbortSignal.timeout(timeout * 2),
    });
  }
}
