import { desc, eq, outbox, sql } from "@authsvc/db";
import type { AuthContext } from "../context";

export interface OutboxView {
  id: number;
  channel: string;
  to: string;
  purpose: string;
  subject: string | null;
  text: string;
  code: string | null;
  status: string;
  createdAt: string;
}

/** Newest first; `to` is matched exactly as stored (E.164 phone, lower-cased email). */
export function listOutbox(ctx: AuthContext, to?: string, limit = 100): OutboxView[] {
  const q = ctx.db.select().from(outbox);
  const rows = (to ? q.where(eq(outbox.to, to)) : q).orderBy(desc(outbox.id)).limit(limit).all();
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    to: r.to,
    purpose: r.purpose,
    subject: r.subject,
    text: r.text,
    code: r.code,
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

/** What stays of a message's text (and html) once it must no longer be kept in clear. */
export const REDACTED = "[redacted]";

/**
 * The columns of a row that keeps no secret: no code, and a marker for the text and html
 * (and with them any reset link). Subject, destination, purpose and status stay as a record.
 */
export const redactedColumns = {
  code: null,
  text: REDACTED,
  html: sql<string | null>`CASE WHEN ${outbox.html} IS NULL THEN NULL ELSE ${REDACTED} END`,
};
