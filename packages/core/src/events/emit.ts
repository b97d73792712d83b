import type { AuditInput, AuditKind } from "../audit/audit";
import type { AuthContext } from "../context";

/**
 * Signed event webhooks: what happened to accounts and sessions, for the operator's own
 * systems. Every fact an event reports is already audited where it happens, in the
 * transaction that makes it (audit/audit.ts), whichever door it came through; so an event is
 * the audit row's twin, written beside it: a change rolled back leaves neither, and nothing
 * can be audited without its event or the reverse. This map is the one place that says which
 * audit rows are events and what of them an event shows.
 */
export const EVENT_TYPES = [
  "user.created",
  "user.verified",
  "session.created",
  "session.revoked",
  "password.changed",
  "factor.added",
  "factor.removed",
  "lockout",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

type Fact = string | number | boolean | null;

/**
 * An event's `data`: ids and plain facts picked one by one from the audit row (never copied
 * whole), so nothing is sent that was not chosen here. No contact (email, phone, even masked):
 * a receiver that needs one reads it from the user id, with its own right to it.
 */
export type EventData = { userId: number | null } & Record<string, Fact>;

export interface PlannedEvent {
  type: EventType;
  data: EventData;
}

type Describe = (userId: number | null, detail: Record<string, Fact>) => PlannedEvent | null;

/** Only the facts present: an absent one is left out rather than sent as null. */
function pick(detail: Record<string, Fact>, names: Record<string, string>): Record<string, Fact> {
  const out: Record<string, Fact> = {};
  for (const [from, to] of Object.entries(names)) if (detail[from] !== undefined) out[to] = detail[from];
  return out;
}

const event = (type: EventType, userId: number | null, facts: Record<string, Fact>): PlannedEvent => ({ type, data: { userId, ...facts } });

/** Every audit kind, so a new one is a decision here: an event, or none (null). */
const EVENT_OF: { [K in AuditKind]: Describe | null } = {
  signup: (userId, d) => event("user.created", userId, pick(d, { method: "method" })),
  email_verified: (userId) => event("user.verified", userId, { channel: "email" }),
  phone_verified: (userId) => event("user.verified", userId, { channel: "phone" }),
  // A PIN re-login proves the person again on the session they already have: no new session.
  login: (userId, d) => (d.method === "pin_relogin" ? null : event("session.created", userId, pick(d, { sessionId: "sessionId", method: "method" }))),
  // One session (logout, revoked, token reuse), or every session of the user (a count).
  session_revoked: (userId, d) => event("session.revoked", userId, pick(d, { sessionId: "sessionId", reason: "reason", count: "count" })),
  password_changed: (userId, d) => event("password.changed", userId, pick(d, { how: "how" })),
  factor_added: (userId, d) => event("factor.added", userId, pick(d, { factorId: "factorId", kind: "kind" })),
  factor_removed: (userId, d) => event("factor.removed", userId, { ...pick(d, { factorId: "factorId", kind: "kind" }), reason: "removed_by_user" }),
  // An admin removed every factor: one event with how many, none when there was none.
  factors_reset: (userId, d) =>
    typeof d.removed === "number" && d.removed > 0 ? event("factor.removed", userId, { reason: "admin_reset", count: d.removed }) : null,
  // Also for an identifier with no account (userId null): the same work either way, so the
  // time an answer takes never tells whether the account exists.
  lockout: (userId, d) => event("lockout", userId, pick(d, { what: "what", purpose: "purpose", seconds: "retryAfterSec" })),
  login_failed: null,
  code_sent: null,
  code_verified: null,
  code_failed: null,
  password_reset_requested: null,
  pin_set: null,
  pin_changed: null,
  pin_failed: null,
  // Its lockout is audited beside it, as `lockout`.
  pin_locked: null,
  session_renewed: null,
  token_reuse: null,
  logout: null,
  role_changed: null,
  claim_dropped: null,
  lockout_lifted: null,
  sms_budget_exhausted: null,
  second_factor_required: null,
  second_factor_failed: null,
  factors_viewed: null,
  recovery_codes_made: null,
  recovery_code_used: null,
  step_up: null,
  // The OpenID provider's own records: for the audit log, not (yet) webhook events.
  oidc_client_registered: null,
  oidc_client_revoked: null,
  oidc_consent: null,
  oidc_token_reuse: null,
};

/** The event an audit row is, if any. */
export function eventOf(e: Pick<AuditInput, "kind" | "userId" | "detail">): PlannedEvent | null {
  return EVENT_OF[e.kind]?.(e.userId ?? null, e.detail ?? {}) ?? null;
}

/** The body a receiver gets: Standard Webhooks' recommended shape, `timestamp` being when it happened. */
export const eventBody = (planned: PlannedEvent, at: number): string =>
  JSON.stringify({ type: planned.type, timestamp: new Date(at).toISOString(), data: planned.data });

/**
 * Writes the audit row's event, if it is one, to the outbox through the context's store (the
 * audit row's transaction or batch). Its claim has lapsed already, so the delivery worker of
 * any instance sends it on its next pass and it has one sender however many run; the request
 * never waits for the receiver, and an event is never sent before the change it reports has
 * committed (a sender outside the transaction cannot see the row until then).
 */
export async function writeEvent(ctx: AuthContext, e: Pick<AuditInput, "kind" | "userId" | "detail">, at: number): Promise<void> {
  const planned = eventOf(e);
  if (!planned) return;
  await ctx.store.outbox.insertClaimed(
    { channel: "event", to: "webhook", purpose: planned.type, subject: null, text: eventBody(planned, at), html: null, code: null, challengeId: null, createdAt: at },
    at,
  );
}
