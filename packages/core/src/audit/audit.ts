import type { AuthContext, RequestMeta } from "../context";
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

/** Writes the event through the context's store: inside a transaction, it commits or rolls back with the work it records. */
export function audit(ctx: AuthContext, e: AuditInput): Promise<void> {
  return ctx.store.audit.insert({
    at: ctx.now(),
    kind: e.kind,
    outcome: e.outcome ?? "ok",
    userId: e.userId ?? null,
    ip: e.meta?.ip ?? null,
    userAgent: e.meta?.userAgent?.slice(0, 256) ?? null,
    detail: e.detail ?? null,
  });
}

/** `+62881829915` -> `+62******915`, `ana@example.com` -> `a**@example.com`: enough to tell, not to use. */
export function maskDestination(destination: string): string {
  const at = destination.indexOf("@");
  if (at > 0) return destination[0] + "*".repeat(Math.max(1, at - 1)) + destination.slice(at);
  return destination.slice(0, 3) + "*".repeat(Math.max(0, destination.length - 6)) + destination.slice(-3);
}
