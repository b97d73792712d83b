import type { OutboxChannel, OutboxMessage } from "@authsvc/store";

/** The channels of messages to people; an event (events/) is an outbox row too, on its own channel. */
export type Channel = "sms" | "email";

export type OutgoingMessage = Pick<OutboxMessage, "id" | "channel" | "to" | "purpose" | "subject" | "text" | "html" | "createdAt">;

/** One per channel. `send` resolves once the provider accepted the message, or throws. */
export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}

export type Transports = Record<OutboxChannel, Transport>;

/**
 * The embedded default: the outbox row written before every send is the delivery, so
 * there is nothing more to do than say where to read it.
 */
export const outboxOnlyTransport: Transport = {
  name: "outbox",
  send: async () => {},
};

/**
 * The event channel with no webhook configured: no event row is written then (events/emit.ts),
 * so this only meets rows written before the webhook was removed, which fail and are given up.
 */
export const noEventsTransport: Transport = {
  name: "no-events-webhook",
  send: async () => {
    throw new Error("no events webhook is configured (AUTH_EVENTS_WEBHOOK_URL)");
  },
};

export const embeddedTransports: Transports = { sms: outboxOnlyTransport, email: outboxOnlyTransport, event: noEventsTransport };
