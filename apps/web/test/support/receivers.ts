/**
 * The SMTP server and SMS webhook receiver of the core delivery tests, for the e2e tests
 * of the production server, with helpers to read the server's log.
 */
export {
  codeIn,
  parseMail,
  startSmtpReceiver,
  startWebhookReceiver,
  verifyWebhookSignature,
  type ReceivedMail,
  type SmtpReceiver,
  type WebhookReceiver,
  type WebhookReply,
  type WebhookRequest,
} from "@authsvc/testing/receivers";

/** One JSON log line of the server (pino), or null for a plain line. */
export function jsonLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith("{")) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Every line the server wrote (stdout and stderr), without empty ones. */
export const linesOf = (output: string): string[] => output.split(/\r?\n/).filter((l) => l.trim() !== "");
