import type { AuthContext } from "../context";
import { settled } from "../later";

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
export async function listOutbox(ctx: AuthContext, to?: string, limit = 100): Promise<OutboxView[]> {
  // A message written after its request's answer (forgot password) shows as soon as the answer does.
  await settled(ctx);
  const rows = await ctx.store.outbox.list(to, limit);
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

