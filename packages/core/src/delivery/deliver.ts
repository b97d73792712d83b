import { eq, outbox } from "@authsvc/db";
import type { AuthContext } from "../context";
import { AuthError } from "../errors";
import { maskDestination } from "../audit/audit";
import { renderMessage, type Locale, type MessagePurpose, type TemplateInput } from "./templates";
import type { Channel } from "./transport";

export interface DeliverInput extends TemplateInput {
  channel: Channel;
  to: string;
  purpose: MessagePurpose;
  locale?: Locale;
}

/**
 * Writes the message to the outbox first (so nothing is lost if the provider is down),
 * then hands it to the channel's transport and records the outcome.
 */
export async function deliver(ctx: AuthContext, input: DeliverInput): Promise<number> {
  const { subject, text } = renderMessage(input.purpose, input.locale ?? "en", input);
  const row = ctx.db
    .insert(outbox)
    .values({
      channel: input.channel,
      to: input.to,
      purpose: input.purpose,
      subject: input.channel === "email" ? subject : null,
      text,
      code: input.code ?? null,
      status: "queued",
      createdAt: ctx.now(),
    })
    .returning()
    .get();
  const transport = ctx.transports[input.channel];
  try {
    await transport.send(row);
    ctx.db.update(outbox).set({ status: "sent", attempts: row.attempts + 1, sentAt: ctx.now() }).where(eq(outbox.id, row.id)).run();
    ctx.log.info(
      { outboxId: row.id, channel: input.channel, to: maskDestination(input.to), purpose: input.purpose, transport: transport.name },
      "message sent",
    );
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    ctx.db.update(outbox).set({ status: "failed", attempts: row.attempts + 1, error: reason.slice(0, 500) }).where(eq(outbox.id, row.id)).run();
    ctx.log.error({ outboxId: row.id, channel: input.channel, to: maskDestination(input.to), reason }, "message delivery failed");
    throw new AuthError("DELIVERY_FAILED", { retryAfterSec: 30 });
  }
  return row.id;
}
