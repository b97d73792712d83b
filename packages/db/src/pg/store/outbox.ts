import { and, desc, eq, ne } from "drizzle-orm";
import { REDACTED, type OutboxMessage, type OutboxRepository } from "@authsvc/store";
import { outbox } from "../schema";
import type { Bound } from "./bound";
import { execute, first, inserter, named, rows, selectList } from "./statement";

const messageList = selectList(outbox);
const toPeople = ne(outbox.channel, "event");
const insertClaimed = inserter("outbox_insert_claimed", outbox, { omit: ["id", "error", "sentAt"], returning: true });

// SKIP LOCKED: workers of other instances claiming at the same moment pass over the rows this
// one has locked instead of waiting for them, and a row one of them has just claimed is
// checked again on its new version (its lease is then in the future).
const claimDue = named(
  "outbox_claim_due",
  `UPDATE outbox SET status = 'sending', next_attempt_at = $2 WHERE id IN (
     SELECT id FROM outbox
     WHERE (status = 'queued' AND created_at <= $3) OR (status IN ('failed', 'sending') AND next_attempt_at <= $1)
     ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
   RETURNING ${messageList}`,
);

const sent = "UPDATE outbox SET status = 'sent', attempts = $2, sent_at = $3, next_attempt_at = NULL";
const failed = "UPDATE outbox SET status = 'failed', attempts = $2, error = $3";
/** What stays of a message that will not be sent again, with REDACTED in $4. */
const redacted = "code = NULL, text = $4::text, html = CASE WHEN html IS NULL THEN NULL ELSE $4::text END";
const markSent = named("outbox_mark_sent", `${sent} WHERE id = $1`);
const markSentRedacted = named("outbox_mark_sent_redacted", `${sent}, ${redacted} WHERE id = $1`);
const markFailed = named("outbox_mark_failed", `${failed}, next_attempt_at = $4 WHERE id = $1`);
const markGivenUp = named("outbox_mark_given_up", `${failed}, next_attempt_at = NULL, ${redacted} WHERE id = $1`);

export function pgOutbox({ on, db }: Bound): OutboxRepository {
  return {
    insertClaimed: async (m, leaseUntil) =>
      (await first<OutboxMessage>(on, insertClaimed.statement, insertClaimed.values({ ...m, status: "sending", attempts: 0, nextAttemptAt: leaseUntil })))!,
    async claimDue(at, leaseUntil, limit) {
      // Written by an older version, which sent it at once: claimed by its writer for one lease.
      const queuedBefore = at - (leaseUntil - at);
      const claimed = await rows<OutboxMessage>(on, claimDue, [at, leaseUntil, queuedBefore, limit]);
      return claimed.sort((a, b) => a.id - b.id);
    },
    markSent: (id, attempts, at, redact) =>
      redact ? execute(on, markSentRedacted, [id, attempts, at, REDACTED]) : execute(on, markSent, [id, attempts, at]),
    markFailed: (id, attempts, error, retryAt) =>
      retryAt === null ? execute(on, markGivenUp, [id, attempts, error, REDACTED]) : execute(on, markFailed, [id, attempts, error, retryAt]),
    // A page of an outbox for the admin or a test: built per call by Drizzle.
    list: async (to, limit) =>
      await db()
        .select()
        .from(outbox)
        // An event row is the operator's, not a message to a person.
        .where(to === undefined ? toPeople : and(eq(outbox.to, to), toPeople))
        .orderBy(desc(outbox.id))
        .limit(limit),
  };
}
