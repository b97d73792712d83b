import { REDACTED, type OutboxRepository } from "@authsvc/store";
import { and, desc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { outbox } from "../schema";
import { bare } from "./bare";
import type { Scope } from "./scope";

const p = sql.placeholder;

/** No code, and a marker for the text and html (and with them any reset link). */
const redacted = {
  code: null,
  text: REDACTED,
  html: sql<string | null>`CASE WHEN ${outbox.html} IS NULL THEN NULL ELSE ${REDACTED} END`,
};

const due = or(
  // A retry that is due, or a claim whose worker stopped before settling it.
  and(inArray(outbox.status, ["failed", "sending"]), lte(outbox.nextAttemptAt, p("at"))),
  // Written by a version without claims: taken as claimed by its writer for one lease from its creation.
  and(eq(outbox.status, "queued"), isNull(outbox.sentAt), sql`${outbox.createdAt} + (${p("leaseUntil")} - ${p("at")}) <= ${p("at")}`),
);

/** The messages `list` shows: an event row is the operator's, not a message to a person. */
const toPeople = ne(outbox.channel, "event");

// Every code sent writes and settles an outbox row: prepared once per store.
export function prepareOutbox(db: Db) {
  return {
    insertClaimed: bare(
      db,
      db
        .insert(outbox)
        .values({
          channel: p("channel"),
          to: p("to"),
          purpose: p("purpose"),
          subject: p("subject"),
          text: p("text"),
          html: p("html"),
          code: p("code"),
          challengeId: p("challengeId"),
          status: "sending",
          nextAttemptAt: sql`${p("leaseUntil")}`,
          createdAt: p("createdAt"),
        }),
    ),
    // One statement: the rows it picks are claimed before any other statement runs.
    claimDue: db
      .update(outbox)
      .set({ status: "sending", nextAttemptAt: sql`${p("leaseUntil")}` })
      .where(inArray(outbox.id, db.select({ id: outbox.id }).from(outbox).where(due).orderBy(outbox.id).limit(p("limit"))))
      .returning()
      .prepare(),
    markSent: bare(
      db,
      db
        .update(outbox)
        .set({ status: "sent", attempts: sql`${p("attempts")}`, sentAt: sql`${p("at")}`, nextAttemptAt: null })
        .where(eq(outbox.id, p("id"))),
    ),
    markSentRedacted: bare(
      db,
      db
        .update(outbox)
        .set({ status: "sent", attempts: sql`${p("attempts")}`, sentAt: sql`${p("at")}`, nextAttemptAt: null, ...redacted })
        .where(eq(outbox.id, p("id"))),
    ),
    markFailed: bare(
      db,
      db
        .update(outbox)
        .set({ status: "failed", attempts: sql`${p("attempts")}`, error: sql`${p("error")}`, nextAttemptAt: sql`${p("retryAt")}` })
        .where(eq(outbox.id, p("id"))),
    ),
    // Given up, the text has no more use: only a message that may still go out keeps it.
    markGivenUp: bare(
      db,
      db
        .update(outbox)
        .set({ status: "failed", attempts: sql`${p("attempts")}`, error: sql`${p("error")}`, nextAttemptAt: null, ...redacted })
        .where(eq(outbox.id, p("id"))),
    ),
    list: db.select().from(outbox).where(toPeople).orderBy(desc(outbox.id)).limit(p("limit")).prepare(),
    listTo: db.select().from(outbox).where(and(eq(outbox.to, p("to")), toPeople)).orderBy(desc(outbox.id)).limit(p("limit")).prepare(),
  };
}

type Queries = ReturnType<typeof prepareOutbox>;

export function outboxRepository(q: Queries, scope: Scope): OutboxRepository {
  return {
    // The row as given, not read back (see ./bare).
    insertClaimed: (m, leaseUntil) =>
      scope.run(() => {
        const { lastInsertRowid } = q.insertClaimed.run({ ...m, leaseUntil });
        return { ...m, id: Number(lastInsertRowid), status: "sending", attempts: 0, error: null, nextAttemptAt: leaseUntil, sentAt: null };
      }),
    claimDue: (at, leaseUntil, limit) =>
      scope.run(() => q.claimDue.all({ at, leaseUntil, limit }).sort((a, b) => a.id - b.id)),
    markSent: (id, attempts, at, redact) =>
      scope.run(() => {
        (redact ? q.markSentRedacted : q.markSent).run({ id, attempts, at });
      }),
    markFailed: (id, attempts, error, retryAt) =>
      scope.run(() => {
        if (retryAt === null) q.markGivenUp.run({ id, attempts, error });
        else q.markFailed.run({ id, attempts, error, retryAt });
      }),
    list: (to, limit) => scope.run(() => (to === undefined ? q.list.all({ limit }) : q.listTo.all({ to, limit }))),
  };
}
