import { and, desc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { REDACTED, type OutboxRepository } from "@authsvc/store";
import { outbox } from "../schema";
import type { Bound } from "./session";

const redacted = {
  code: null,
  text: REDACTED,
  html: sql<string | null>`CASE WHEN ${outbox.html} IS NULL THEN NULL ELSE ${REDACTED} END`,
};

export function pgOutbox({ db }: Bound): OutboxRepository {
  return {
    async insertClaimed(m, leaseUntil) {
      const [row] = await db
        .insert(outbox)
        .values({ ...m, status: "sending", attempts: 0, nextAttemptAt: leaseUntil })
        .returning();
      return row!;
    },
    async claimDue(at, leaseUntil, limit) {
      // SKIP LOCKED: workers of other instances claiming at the same moment pass over the rows
      // this one has locked instead of waiting for them, and a row one of them has just
      // claimed is checked again on its new version (its lease is then in the future).
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          or(
            // Written by an older version, which sent it at once: claimed by its writer for one lease.
            and(eq(outbox.status, "queued"), lte(outbox.createdAt, at - (leaseUntil - at))),
            and(inArray(outbox.status, ["failed", "sending"]), lte(outbox.nextAttemptAt, at)),
          ),
        )
        .orderBy(outbox.id)
        .limit(limit)
        .for("update", { skipLocked: true });
      const rows = await db
        .update(outbox)
        .set({ status: "sending", nextAttemptAt: leaseUntil })
        .where(inArray(outbox.id, due))
        .returning();
      return rows.sort((a, b) => a.id - b.id);
    },
    async markSent(id, attempts, at, redact) {
      await db
        .update(outbox)
        .set({ status: "sent", attempts, sentAt: at, nextAttemptAt: null, ...(redact ? redacted : {}) })
        .where(eq(outbox.id, id));
    },
    async markFailed(id, attempts, error, retryAt) {
      await db
        .update(outbox)
        .set({ status: "failed", attempts, error, nextAttemptAt: retryAt, ...(retryAt === null ? redacted : {}) })
        .where(eq(outbox.id, id));
    },
    list: async (to, limit) =>
      await db
        .select()
        .from(outbox)
        .where(to === undefined ? undefined : eq(outbox.to, to))
        .orderBy(desc(outbox.id))
        .limit(limit),
  };
}

