import type { AuditEvent } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { requireSession, type Principal } from "../sessions/authenticate";
import { findUserById, findUserByIdentifier, isUserId, updateUser, type UserRole } from "../users/users";

export interface AuditFilter {
  userId?: number;
  kind?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, inclusive. */
  to?: number;
  /** Events older than this id (the previous page's last id). */
  before?: number;
  limit?: number;
}

export function requireAdmin(principal: Principal): Principal {
  const p = requireSession(principal);
  if (p.user.role !== "admin") throw new AuthError("FORBIDDEN");
  return p;
}

/** Newest first, a page at a time; only admins read it. */
export async function listAuditEvents(
  ctx: AuthContext,
  principal: Principal,
  f: AuditFilter,
): Promise<{ events: AuditEvent[]; nextBefore: number | null }> {
  requireAdmin(principal);
  // A filter no row can match (an id past int4, a kind with U+0000: PostgreSQL refuses the
  // query itself) lists nothing, on either engine.
  if ((f.userId !== undefined && !isUserId(f.userId)) || (f.kind && /\p{Cc}/u.test(f.kind))) return { events: [], nextBefore: null };
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  // One more than the page, to tell whether another page follows.
  const events = await ctx.store.audit.list({ userId: f.userId, kind: f.kind || undefined, from: f.from, to: f.to, before: f.before, limit: limit + 1 });
  const more = events.length > limit;
  const page = more ? events.slice(0, limit) : events;
  return { events: page, nextBefore: more ? page[page.length - 1]!.id : null };
}

/** Only an admin changes roles, and never their own (so the last admin cannot drop out by mistake). */
export async function setUserRole(ctx: AuthContext, principal: Principal, userId: number, role: UserRole, meta?: RequestMeta) {
  const p = requireAdmin(principal);
  if (p.user.id === userId) throw new AuthError("FORBIDDEN", {}, "Admins cannot change their own role.");
  const target = await findUserById(ctx, userId);
  if (!target) throw new AuthError("USER_NOT_FOUND");
  const updated = await updateUser(ctx, userId, { role });
  await audit(ctx, { kind: "role_changed", userId, meta, detail: { from: target.role, to: role, by: p.user.id } });
  return updated;
}

/** The operator's way in: grants admin to an existing account from the command line. */
export async function grantAdminFromCli(ctx: AuthContext, identifier: string) {
  const { user } = await findUserByIdentifier(ctx, identifier);
  if (!user) throw new AuthError("USER_NOT_FOUND");
  const updated = await updateUser(ctx, user.id, { role: "admin" });
  await audit(ctx, { kind: "role_changed", userId: user.id, meta: { userAgent: "cli" }, detail: { from: user.role, to: "admin", by: "cli" } });
  return updated;
}
