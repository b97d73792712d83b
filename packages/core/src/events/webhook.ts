import { Webhook } from "standardwebhooks";
import { postJson } from "../delivery/post-json";
import type { OutgoingMessage, Transport } from "../delivery/transport";
import type { EventsWebhook } from "../options";

/**
 * The event's id for its receiver (`webhook-id`): the same on every retry, so a receiver that
 * got a try whose answer was lost drops the next one. The row's id is unique in its database,
 * and its creation time keeps it unique across databases (a new one counts ids from 1 again).
 */
export const webhookId = (row: Pick<OutgoingMessage, "id" | "createdAt">): string => `msg_${row.id}_${row.createdAt.toString(36)}`;

/**
 * The `event` channel's transport: one POST of the event's JSON with the three headers of the
 * Standard Webhooks spec, signed by its reference library (`webhook-signature` is `v1,` and an
 * HMAC-SHA256 of `id.timestamp.body`). `webhook-timestamp` is the time of this try, so a
 * receiver refuses a captured request replayed later; any answer but a 2xx is a failure.
 */
export function eventWebhookTransport(options: EventsWebhook): Transport {
  const signer = new Webhook(options.secret);
  return {
    name: "events-webhook",
    async send(message) {
      const id = webhookId(message);
      const now = new Date();
      const headers = {
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signer.sign(id, now, message.text),
      };
      await postJson("events webhook", options.url, headers, message.text, options.timeoutMs);
    },
  };
}
