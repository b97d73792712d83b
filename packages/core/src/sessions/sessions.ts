import { and, desc, eq, isNull, ne, sessions, sql, type Session } from "@authsvc/db";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { randomToken } from "../crypto/secrets";
import { preparedFor } from "../prepared";

// Every token check reads its session, every sign-in opens one: prepared once, not rebuilt per request.
const queries = preparedFor((db) => ({
  insert: db
    .insert(sessions)
    .values({
      id: sql.placeholder("id"),
      userId: sql.placeholder("userId"),
      kind: sql.placeholder("kind"),
      createdAt: sql.placeholder("now"),
      expiresAt: sql.placeholder("expiresAt"),
      lastUsedAt: sql.placeholder("now"),
      authenticatedAt: sql.placeholder("now"),
      userAgent: sql.placeholder("userAgent"),
      ip: sql.placeholder("ip"),
    })
    .returning()
    .prepare(),
  byId: db.select().from(sessions).where(eq(sessions.id, sql.placeholder("id"))).prepare(),
  touch: db
    .update(sessions)
    .set({ lastUsedAt: sql`${sql.placeholder("now")}` })
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare(),
}));

export type SessionKind = "web" | "api" | "mobile";

export function createSession(
  ctx: AuthContext,
  input: { userId: number; kind: SessionKind; meta?: RequestMeta },
): Session {
  const now = ctx.now();
  return queries(ctx).insert.get({
    id: randomToken(18),
    userId: input.userId,
    kind: input.kind,
    now,
    expiresAt: now + ctx.options.sessionTtlSec * 1000,
    userAgent: input.meta?.userAgent?.slice(0, 256) ?? null,
    ip: input.meta?.ip ?? null,
  })!;
}

export const isSessionLive = (ctx: AuthContext, s: Session | undefined): s is Session =>
  Boolean(s && s.revokedAt === null && s.expiresAt > ctx.now());

export const findSession = (ctx: AuthContext, id: string): Session | undefined => queries(ctx).byId.get({ id });

/** Records use at most once a minute, so a token check is a read, not a write. */
export function touchSession(ctx: AuthContext, s: Session): void {
  const now = ctx.now();
  if (now - s.lastUsedAt < 60_000) return;
  queries(ctx).touch.run({ now, id: s.id });
}

export function markAuthenticated(ctx: AuthContext, sessionId: string): void {
  ctx.db.update(sessions).set({ authenticatedAt: ctx.now() }).where(eq(sessions.id, sessionId)).run();
}

export function revokeSession(ctx: AuthContext, s: Session, reason: string, meta?: RequestMeta): boolean {
  const done = ctx.db
    .update(sessions)
    .set({ revokedAt: ctx.now(), revokedReason: reason })
    .where(and(eq(sessions.id, s.id), isNull(sessions.revokedAt)))
    .run();
  if (done.changes > 0) audit(ctx, { kind: "session_revoked", userId: s.userId, meta, detail: { reason, sessionId: s.id } });
  return done.changes > 0;
}

/** Revokes every live session of the user, but `exceptId` if given. Returns how many. */
export function revokeUserSessions(
  ctx: AuthContext,
  userId: number,
  reason: string,
  opts: { exceptId?: string; meta?: RequestMeta } = {},
): number {
  const where = opts.exceptId
    ? and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, opts.exceptId))
    : and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  const done = ctx.db.update(sessions).set({ revokedAt: ctx.now(), revokedReason: reason }).where(where).run();
  if (done.changes > 0) {
    audit(ctx, { kind: "session_revoked", userId, meta: opts.meta, detail: { reason, count: done.changes } });
  }
  return done.changes;
}

export function listLiveSessions(ctx: AuthContext, userId: number): Session[] {
  return ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(desc(sessions.lastUsedAt))
    .all()
    .filter((s) => s.expiresAt > ctx.now());
}
