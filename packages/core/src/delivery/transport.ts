import type { OutboxMessage } from "@authsvc/store";

export type Channel = "sms" | "email";

export type OutgoingMessage = Pick<OutboxMessage, "id" | "channel" | "to" | "purpose" | "subject" | "text" | "html">;

/** One per channel. `send` resolves once the provider accepted the message, or throws. */
export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}

export type Transports = Record<Channel, Transport>;

/**
 * The embedded default: the outbox row written before every send is the delivery, so
 * there is nothing more to do than say where to read it.
 */
export const outboxOnlyTransport: Transport = {
  name: "outbox",
  send: async () => {},
};

export const embeddedTransports: Transports = { sms: outboxOnlyTransport, email: outboxOnlyTransport };
