import { and, challenges, eq, isNull, lt, lte, or, outbox, sql, type OutboxMessage } from "@authsvc/db";
import { maskDestination } from "../audit/audit";
import { every, type Background } from "../background";
import type { AuthContext } from "../context";
import { preparedFor } from "../prepared";
import { AuthError } from "../errors";
import { renderMessage, type Locale, type MessagePurpose, type TemplateInput } from "./templates";
import { redactedColumns } from "./outbox";
import { outboxOnlyTransport, type Channel, type Transport } from "./transport";

export interface DeliverInput extends TemplateInput {
  channel: Channel;
  to: string;
  purpose: MessagePurpose;
  locale?: Locale;
  /** The code's challenge: a retry is skipped once that code was replaced, used or expired. */
  challengeId?: string;
}

// Every code sent writes and updates an outbox row: prepared once, not rebuilt per message.
const queries = preparedFor((db) => ({
  insert: db
    .insert(outbox)
    .values({
      channel: sql.placeholder("channel"),
      to: sql.placeholder("to"),
      purpose: sql.placeholder("purpose"),
      subject: sql.placeholder("subject"),
      text: sql.placeholder("text"),
      html: sql.placeholder("html"),
      code: sql.placeholder("code"),
      challengeId: sql.placeholder("challengeId"),
      status: "queued",
      createdAt: sql.placeholder("now"),
    })
    .returning()
    .prepare(),
  sent: db
    .update(outbox)
    .set({ status: "sent", attempts: sql`${sql.placeholder("attempts")}`, sentAt: sql`${sql.placeholder("now")}`, nextAttemptAt: null })
    .where(eq(outbox.id, sql.placeholder("id")))
    .prepare(),
  sentAndRedacted: db
    .update(outbox)
    .set({
      status: "sent",
      attempts: sql`${sql.placeholder("attempts")}`,
      sentAt: sql`${sql.placeholder("now")}`,
      nextAttemptAt: null,
      ...redactedColumns,
    })
    .where(eq(outbox.id, sql.placeholder("id")))
    .prepare(),
}));

/**
 * Only the embedded transport's rows are the delivery itself (the dev outbox shows them until
 * the code expires, then the purge redacts them). Any other transport handed the message on:
 * the row keeps no copy of the code, text or link from then on.
 */
const keepsText = (transport: Transport): boolean => transport === outboxOnlyTransport;

/** Tries in all (the first in the request, the rest by the worker) before giving up. */
export const MAX_ATTEMPTS = 5;
/** Wait before the n-th retry: 5 s, 15 s, 45 s, 135 s. */
export const retryDelayMs = (attempts: number): number => 5_000 * 3 ** Math.max(0, attempts - 1);

/**
 * One try through the channel's transport; the row records the outcome: sent, or failed
 * with the reason and when to try again.
 */
async function attempt(ctx: AuthContext, row: OutboxMessage): Promise<boolean> {
  const transport = ctx.transports[row.channel];
  const attempts = row.attempts + 1;
  const where = { outboxId: row.id, channel: row.channel, to: maskDestination(row.to), purpose: row.purpose, transport: transport.name, attempts };
  try {
    await transport.send(row);
    (keepsText(transport) ? queries(ctx).sent : queries(ctx).sentAndRedacted).run({ attempts, now: ctx.now(), id: row.id });
    ctx.log.info(where, attempts > 1 ? "message sent on retry" : "message sent");
    return true;
  } catch (err) {
    // The provider's words only: a transport never puts the message itself in an error.
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    const giveUp = attempts >= MAX_ATTEMPTS;
    ctx.db
      .update(outbox)
      // Given up, the text has no more use: only a message that may still go out keeps it.
      .set({ status: "failed", attempts, error: reason, ...(giveUp ? { nextAttemptAt: null, ...redactedColumns } : { nextAttemptAt: ctx.now() + retryDelayMs(attempts) }) })
      .where(eq(outbox.id, row.id))
      .run();
    ctx.log.error({ ...where, reason, willRetry: !giveUp }, "message delivery failed");
    return false;
  }
}

function insertRow(ctx: AuthContext, input: DeliverInput): OutboxMessage {
  const { subject, text, html } = renderMessage(input.purpose, input.locale ?? "en", input);
  return queries(ctx).insert.get({
    channel: input.channel,
    to: input.to,
    purpose: input.purpose,
    subject: input.channel === "email" ? subject : null,
    text,
    html: input.channel === "email" ? html : null,
    code: input.code ?? null,
    challengeId: input.challengeId ?? null,
    now: ctx.now(),
  })!;
}

/**
 * Writes the message to the outbox first (so nothing is lost if the provider is down),
 * then tries the transport once. On failure the caller gets DELIVERY_FAILED (503) while
 * the worker keeps retrying with backoff.
 */
export async function deliver(ctx: AuthContext, input: DeliverInput): Promise<number> {
  const row = insertRow(ctx, input);
  if (!(await attempt(ctx, row))) {
    throw new AuthError("DELIVERY_FAILED", { retryAfterSec: Math.ceil(retryDelayMs(1) / 1000) });
  }
  return row.id;
}

/**
 * Writes the message to the outbox and sends it after the request has answered. For the
 * flows that must not tell whether an account exists: the provider's speed or failure would
 * (a real account's answer would wait for it). A failed try is retried by the worker; a
 * process that stops first leaves the row queued for the next one.
 */
export function enqueue(ctx: AuthContext, input: DeliverInput): number {
  const row = insertRow(ctx, input);
  setImmediate(() => {
    attempt(ctx, row).catch((err: unknown) => ctx.log.error({ outboxId: row.id, err: String(err) }, "background delivery failed"));
  });
  return row.id;
}

/** A code message is worth sending only while its code can still be used. */
function stillUseful(ctx: AuthContext, row: OutboxMessage): boolean {
  if (!row.challengeId) return true;
  const c = ctx.db.select().from(challenges).where(eq(challenges.id, row.challengeId)).get();
  return Boolean(c && c.consumedAt === null && c.supersededAt === null && c.expiresAt > ctx.now());
}

/**
 * One pass of the worker: messages whose retry is due, and messages left queued by a
 * process that stopped before sending them. Returns how many were sent.
 */
export async function retryPending(ctx: AuthContext, orphanedBefore: number, limit = 20): Promise<number> {
  const now = ctx.now();
  const due = ctx.db
    .select()
    .from(outbox)
    .where(
      or(
        and(eq(outbox.status, "failed"), lte(outbox.nextAttemptAt, now)),
        and(eq(outbox.status, "queued"), lt(outbox.createdAt, orphanedBefore), isNull(outbox.sentAt)),
      ),
    )
    .orderBy(outbox.id)
    .limit(limit)
    .all();
  let sent = 0;
  for (const row of due) {
    if (!stillUseful(ctx, row)) {
      ctx.db.update(outbox).set({ status: "failed", error: "code no longer valid", nextAttemptAt: null, ...redactedColumns }).where(eq(outbox.id, row.id)).run();
      continue;
    }
    if (await attempt(ctx, row)) sent++;
  }
  return sent;
}

/** Retries in the background until stopped; messages queued before this start count as orphaned. */
export function startDeliveryWorker(ctx: AuthContext, intervalMs = 2_000): Background {
  const startedAt = ctx.now();
  return every(ctx, intervalMs, "delivery worker", () => retryPending(ctx, startedAt));
}
