import type { OutboxChannel, OutboxMessage } from "@authsvc/store";
import { maskDestination } from "../audit/audit";
import { every, type Background } from "../background";
import type { AuthContext } from "../context";
import { AuthError } from "../errors";
import { renderMessage, renderText, type Locale, type MessagePurpose, type TemplateInput } from "./templates";
import { outboxOnlyTransport, type Channel, type Transport } from "./transport";

export interface DeliverInput extends TemplateInput {
  channel: Channel;
  to: string;
  purpose: MessagePurpose;
  locale?: Locale;
  /** The code's challenge: a retry is skipped once that code was replaced, used or expired. */
  challengeId?: string;
}

/**
 * How long a claim on a message lasts: whoever claimed it (the request that wrote it, or one
 * worker of one instance) is its only sender until then. Longer than any transport may take
 * (each has its own timeout), so a claim lapses only when its holder stopped mid-send.
 */
export const CLAIM_MS = 120_000;

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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * Waits before the retries of an event (events/), the Standard Webhooks spec's suggested
 * schedule: a code is of no use minutes later, but a receiver that was down for hours still
 * wants what happened meanwhile.
 */
export const EVENT_RETRY_DELAYS_MS: readonly number[] = [5_000, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** The wait before the next try after `attempts` tries of a message on `channel`, or null: given up. */
export function nextRetryDelayMs(channel: OutboxChannel, attempts: number): number | null {
  if (channel === "event") return EVENT_RETRY_DELAYS_MS[attempts - 1] ?? null;
  return attempts >= MAX_ATTEMPTS ? null : retryDelayMs(attempts);
}

/**
 * One try through the channel's transport; the row records the outcome: sent, or failed
 * with the reason and when to try again.
 */
async function attempt(ctx: AuthContext, row: OutboxMessage): Promise<boolean> {
  const transport = ctx.transports[row.channel];
  const attempts = row.attempts + 1;
  const to = row.channel === "event" ? {} : { to: maskDestination(row.to) };
  const where = { outboxId: row.id, channel: row.channel, ...to, purpose: row.purpose, transport: transport.name, attempts };
  try {
    await transport.send(row);
    await ctx.store.outbox.markSent(row.id, attempts, ctx.now(), !keepsText(transport));
    ctx.log.info(where, attempts > 1 ? "message sent on retry" : "message sent");
    return true;
  } catch (err) {
    // The provider's words only: a transport never puts the message itself in an error.
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    const delay = nextRetryDelayMs(row.channel, attempts);
    const giveUp = delay === null;
    // Given up (no retry time), the store redacts it: only a message that may still go out keeps its text.
    await ctx.store.outbox.markFailed(row.id, attempts, reason, giveUp ? null : ctx.now() + delay);
    ctx.log.error({ ...where, reason, willRetry: !giveUp }, "message delivery failed");
    return false;
  }
}

/**
 * Writes the message already claimed by this process, so no worker sends it while the request
 * does; a claim that lapses at once (`leaseMs` 0) leaves it to the next worker pass.
 */
function insertRow(ctx: AuthContext, input: DeliverInput, leaseMs = CLAIM_MS): Promise<OutboxMessage> {
  const locale = input.locale ?? "en";
  // An SMS keeps neither subject nor html: its html is not rendered to be dropped.
  const email = input.channel === "email" ? renderMessage(input.purpose, locale, input) : undefined;
  const text = email ? email.text : renderText(input.purpose, locale, input).text;
  const now = ctx.now();
  return ctx.store.outbox.insertClaimed(
    {
    channel: input.channel,
    to: input.to,
    purpose: input.purpose,
    subject: email ? email.subject : null,
    text,
    html: email ? email.html : null,
    code: input.code ?? null,
    challengeId: input.challengeId ?? null,
    createdAt: now,
    },
    now + leaseMs,
  );
}

/** What is left of a delivery once its row is written: the transport's try, with a context outside the writer's batch. */
export type PendingSend = (ctx: AuthContext) => Promise<void>;

/**
 * The store half of a delivery, for a caller that writes in a batch (or a transaction): the
 * row, claimed by this process. `now`: the transport tries once; a failure is DELIVERY_FAILED
 * (503) while the worker keeps retrying with backoff. With the embedded transport the row is
 * the delivery, so that try is a write too, made here. `afterAnswer`: the try happens after
 * the request has answered, for the flows that must not tell whether an account exists (the
 * provider's speed or failure would: a real account's answer would wait for it); a failed
 * try is retried by the worker, and if the process stops first its claim lapses and a worker
 * of any instance sends the message.
 */
export async function writeDelivery(ctx: AuthContext, input: DeliverInput, when: "now" | "afterAnswer"): Promise<PendingSend> {
  const row = await insertRow(ctx, input);
  if (when === "afterAnswer") {
    return async (outside) => {
      setImmediate(() => {
        attempt(outside, row).catch((err: unknown) => outside.log.error({ outboxId: row.id, err: String(err) }, "background delivery failed"));
      });
    };
  }
  const tryOnce = async (c: AuthContext) => {
    if (!(await attempt(c, row))) throw new AuthError("DELIVERY_FAILED", { retryAfterSec: Math.ceil(retryDelayMs(1) / 1000) });
  };
  if (!keepsText(ctx.transports[row.channel])) return tryOnce;
  await tryOnce(ctx);
  return async () => {};
}

/** Writes the message to the outbox first (so nothing is lost if the provider is down), then tries the transport once. */
export async function deliver(ctx: AuthContext, input: DeliverInput): Promise<void> {
  await (await writeDelivery(ctx, input, "now"))(ctx);
}

/** Writes the message to the outbox and sends it after the request has answered (see `writeDelivery`). */
export async function enqueue(ctx: AuthContext, input: DeliverInput): Promise<void> {
  await (await writeDelivery(ctx, input, "afterAnswer"))(ctx);
}

/**
 * Writes a notice (no code) for the worker to send, inside the caller's transaction: it
 * leaves only if the work it reports commits, and a rolled-back body leaves nothing behind.
 * The row is written with its claim already lapsed, so the next pass of the worker of any
 * instance sends it (within `startDeliveryWorker`'s interval); nothing is sent in the body.
 */
export async function queue(ctx: AuthContext, input: DeliverInput): Promise<number> {
  return (await insertRow(ctx, input, 0)).id;
}

/** A code message is worth sending only while its code can still be used. */
async function stillUseful(ctx: AuthContext, row: OutboxMessage): Promise<boolean> {
  if (!row.challengeId) return true;
  const c = await ctx.store.challenges.byId(row.challengeId);
  return Boolean(c && c.consumedAt === null && c.supersededAt === null && c.expiresAt > ctx.now());
}

/**
 * One pass of the worker: it claims the messages whose retry is due and those whose
 * sender's claim lapsed (a process that stopped mid-send), so that however many workers of
 * however many instances run, each message has one sender at a time. Returns how many were sent.
 */
export async function retryPending(ctx: AuthContext, limit = 20): Promise<number> {
  return (await claimAndSend(ctx, limit)).sent;
}

async function claimAndSend(ctx: AuthContext, limit: number): Promise<{ claimed: number; sent: number }> {
  const now = ctx.now();
  const due = await ctx.store.outbox.claimDue(now, now + CLAIM_MS, limit);
  let sent = 0;
  for (const row of due) {
    if (!(await stillUseful(ctx, row))) {
      await ctx.store.outbox.markFailed(row.id, row.attempts, "code no longer valid", null);
      continue;
    }
    if (await attempt(ctx, row)) sent++;
  }
  return { claimed: due.length, sent };
}

/**
 * Retries in the background until stopped. A pass takes batches until one comes back short:
 * events (events/) are sent by the worker alone, and a busy minute writes more of them than
 * one batch an interval would carry.
 */
export function startDeliveryWorker(ctx: AuthContext, intervalMs = 2_000, limit = 20): Background {
  return every(ctx, intervalMs, "delivery worker", async () => {
    while ((await claimAndSend(ctx, limit)).claimed === limit);
  });
}
