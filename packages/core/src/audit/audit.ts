import type { AuthContext, RequestMeta } from "../context";
import { writeEvent } from "../events/emit";
import type { AuditKind } from "../vocabulary";

export type { AuditKind } from "../vocabulary";

export interface AuditInput {
  kind: AuditKind;
  outcome?: "ok" | "fail";
  userId?: number | null;
  meta?: RequestMeta;
  /** Plain facts only (method, purpose, reason, a masked destination). Never a secret. */
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * Writes the event through the context's store: inside a transaction, it commits or rolls back
 * with the work it records. So does its webhook event (events/emit.ts), when the audit row is
 * one and a webhook is configured; with none, an audit costs what it always did.
 */
export function audit(ctx: AuthContext, e: AuditInput): Promise<void> {
  const at = ctx.now();
  const written = ctx.store.audit.insert({
    at,
    kind: e.kind,
    outcome: e.outcome ?? "ok",
    userId: e.userId ?? null,
    ip: e.meta?.ip ?? null,
    userAgent: e.meta?.userAgent?.slice(0, 256) ?? null,
    detail: e.detail ?? null,
  });
  return ctx.options.events ? written.then(() => writeEvent(ctx, e, at)) : written;
}

/** `+62881829915` -> `+62******915`, `ana@example.com` -> `a**@example.com`: enough to tell, not to use. */
export function maskDestination(destination: string): string {
  const at = destination.indexOf("@");
  if (at > 0) return destination[0] + "*".repeat(Math.max(1, at - 1)) + destination.slice(at);
  return destination.slice(0, 3) + "*".repeat(Math.max(0, destination.length - 6)) + destination.slice(-3);
}
