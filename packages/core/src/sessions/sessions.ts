import type { Session, User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { randomToken } from "../crypto/secrets";
import { SESSION_TOUCH_INTERVAL_MS } from "../vocabulary";

export type SessionKind = "web" | "api" | "mobile";

export function createSession(ctx: AuthContext, input: { userId: number; kind: SessionKind; meta?: RequestMeta }): Promise<Session> {
  const now = ctx.now();
  return ctx.store.sessions.insert({
    id: randomToken(18),
    userId: input.userId,
    kind: input.kind,
    createdAt: now,
    expiresAt: now + ctx.options.sessionTtlSec * 1000,
    lastUsedAt: now,
    authenticatedAt: now,
    userAgent: input.meta?.userAgent?.slice(0, 256) ?? null,
    ip: input.meta?.ip ?? null,
  });
}

export const isSessionLive = (ctx: AuthContext, s: Session | undefined): s is Session =>
  Boolean(s && s.revokedAt === null && s.expiresAt > ctx.now());

export const findSession = (ctx: AuthContext, id: string): Promise<Session | undefined> => ctx.store.sessions.byId(id);

export const findSessionWithUser = (ctx: AuthContext, id: string): Promise<{ session: Session; user: User } | undefined> =>
  ctx.store.sessions.byIdWithUser(id);

/** Records use at most once per SESSION_TOUCH_INTERVAL_MS. */
export async function touchSession(ctx: AuthContext, s: Session): Promise<void> {
  const now = ctx.now();
  if (now - s.lastUsedAt < SESSION_TOUCH_INTERVAL_MS) return;
  await ctx.store.sessions.touch(s.id, now);
}

/** Whether the session's holder proved who they are (a sign-in, a step-up) within the last `seconds`. */
export const provedWithin = (ctx: AuthContext, s: Session, seconds: number): boolean => ctx.now() - s.authenticatedAt <= seconds * 1000;

export function markAuthenticated(ctx: AuthContext, sessionId: string): Promise<void> {
  return ctx.store.sessions.markAuthenticated(sessionId, ctx.now());
}

export async function revokeSession(ctx: AuthContext, s: Session, reason: string, meta?: RequestMeta): Promise<boolean> {
  const done = await ctx.store.sessions.revoke(s.id, ctx.now(), reason);
  if (done) await audit(ctx, { kind: "session_revoked", userId: s.userId, meta, detail: { reason, sessionId: s.id } });
  return done;
}

/** Revokes every live session of the user, but `exceptId` if given. Returns how many. */
export async function revokeUserSessions(
  ctx: AuthContext,
  userId: number,
  reason: string,
  opts: { exceptId?: string; meta?: RequestMeta } = {},
): Promise<number> {
  const count = await ctx.store.sessions.revokeAllOfUser(userId, ctx.now(), reason, opts.exceptId);
  if (count > 0) await audit(ctx, { kind: "session_revoked", userId, meta: opts.meta, detail: { reason, count } });
  return count;
}

export async function listLiveSessions(ctx: AuthContext, userId: number): Promise<Session[]> {
  return (await ctx.store.sessions.listUnrevoked(userId)).filter((s) => s.expiresAt > ctx.now());
}
