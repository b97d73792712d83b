import { createHmac } from "node:crypto";
import { postJson } from "./post-json";
import type { Transport } from "./transport";

export interface SmsWebhookOptions {
  url: string;
  /** Shared with the receiver, which checks the signature with it. */
  secret: string;
  timeoutMs?: number;
}

export const SIGNATURE_HEADER = "x-authsvc-signature";
export const TIMESTAMP_HEADER = "x-authsvc-timestamp";

/**
 * `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>`: the receiver recomputes it and
 * rejects old timestamps, so a captured request cannot be replayed later.
 */
export const signWebhook = (secret: string, timestamp: string, body: string): string =>
  "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

/** SMS through the operator's HTTP endpoint: a signed JSON POST; any non-2xx is a failure. */
export function smsWebhookTransport(options: SmsWebhookOptions): Transport {
  const timeout = options.timeoutMs ?? 5_000;
  return {
    name: "sms-webhook",
    async send(message) {
      const body = JSON.stringify({ id: message.id, to: message.to, text: message.text, purpose: message.purpose });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers = {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(options.secret, timestamp, body),
        "idempotency-key": `authsvc-${message.id}`,
      };
      await postJson("SMS webhook", options.url, headers, body, timeout);
    },
  };
}
