import { desc, eq, outbox } from "@authsvc/db";
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
