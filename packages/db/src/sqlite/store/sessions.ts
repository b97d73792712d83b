import type { OpaqueTokenRepository, SessionRepository } from "@authsvc/store";
import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { opaqueTokens, sessions, users } from "../schema";
import { bare } from "./bare";
import type { Scope } from "./scope";

const p = sql.placeholder;
const unrevokedOf = and(eq(sessions.userId, p("userId")), isNull(sessions.revokedAt));

// Every token check reads its session (and a family 001 token its row): prepared once per store.
export function prepareSessions(db: Db) {
  return {
    insert: bare(
      db,
      db
        .insert(sessions)
        .values({
          id: p("id"),
          userId: p("userId"),
          kind: p("kind"),
          createdAt: p("createdAt"),
          expiresAt: p("expiresAt"),
          lastUsedAt: p("lastUsedAt"),
          authenticatedAt: p("authenticatedAt"),
          userAgent: p("userAgent"),
          ip: p("ip"),
        })
        .returning(),
      sessions,
    ),
    byId: bare(db, db.select().from(sessions).where(eq(sessions.id, p("id"))), sessions),
    // Two lookups rather than a join: in-process they cost no round trip, and a join measured
    // no faster in the token check.
    userById: bare(db, db.select().from(users).where(eq(users.id, p("id"))), users),
    touch: bare(
      db,
      db
        .update(sessions)
        .set({ lastUsedAt: sql`${p("at")}` })
        .where(eq(sessions.id, p("id"))),
    ),
    markAuthenticated: bare(
      db,
      db
        .update(sessions)
        .set({ authenticatedAt: sql`${p("at")}` })
        .where(eq(sessions.id, p("id"))),
    ),
    advanceGeneration: bare(
      db,
      db
        .update(sessions)
        .set({ generation: sql`${sessions.generation} + 1`, lastUsedAt: sql`${p("at")}` })
        .where(and(eq(sessions.id, p("id")), eq(sessions.generation, p("from")))),
    ),
    revoke: bare(
      db,
      db
        .update(sessions)
        .set({ revokedAt: sql`${p("at")}`, revokedReason: sql`${p("reason")}` })
        .where(and(eq(sessions.id, p("id")), isNull(sessions.revokedAt))),
    ),
    revokeAll: bare(
      db,
      db
        .update(sessions)
        .set({ revokedAt: sql`${p("at")}`, revokedReason: sql`${p("reason")}` })
        .where(unrevokedOf),
    ),
    revokeAllExcept: bare(
      db,
      db
        .update(sessions)
        .set({ revokedAt: sql`${p("at")}`, revokedReason: sql`${p("reason")}` })
        .where(and(unrevokedOf, ne(sessions.id, p("exceptId")))),
    ),
    listUnrevoked: bare(db, db.select().from(sessions).where(unrevokedOf).orderBy(desc(sessions.lastUsedAt)), sessions),
    insertToken: bare(
      db,
      db
        .insert(opaqueTokens)
        .values({
          tokenHash: p("tokenHash"),
          kind: p("kind"),
          userId: p("userId"),
          sessionId: p("sessionId"),
          createdAt: p("createdAt"),
          expiresAt: p("expiresAt"),
        }),
    ),
    tokenByHash: bare(db, db.select().from(opaqueTokens).where(eq(opaqueTokens.tokenHash, p("tokenHash"))), opaqueTokens),
    useToken: bare(
      db,
      db
        .update(opaqueTokens)
        .set({ usedAt: sql`${p("at")}` })
        .where(and(eq(opaqueTokens.id, p("id")), isNull(opaqueTokens.usedAt))),
    ),
    useAllTokensOfUser: bare(
      db,
      db
        .update(opaqueTokens)
        .set({ usedAt: sql`${p("at")}` })
        .where(and(eq(opaqueTokens.userId, p("userId")), eq(opaqueTokens.kind, p("kind")), isNull(opaqueTokens.usedAt))),
    ),
  };
}

type Queries = ReturnType<typeof prepareSessions>;

export function sessionRepository(q: Queries, scope: Scope): SessionRepository {
  return {
    insert: (s) => scope.run(() => q.insert.get(s)!),
    byId: (id) => scope.run(() => q.byId.get({ id })),
    byIdWithUser: (id) =>
      scope.run(() => {
        const session = q.byId.get({ id });
        if (!session) return undefined;
        const user = q.userById.get({ id: session.userId });
        return user ? { session, user } : undefined;
      }),
    touch: (id, at) =>
      scope.run(() => {
        q.touch.run({ id, at });
      }),
    markAuthenticated: (id, at) =>
      scope.run(() => {
        q.markAuthenticated.run({ id, at });
      }),
    advanceGeneration: (id, from, at) => scope.run(() => q.advanceGeneration.run({ id, from, at }).changes === 1),
    revoke: (id, at, reason) => scope.run(() => q.revoke.run({ id, at, reason }).changes === 1),
    revokeAllOfUser: (userId, at, reason, exceptId) =>
      scope.run(() =>
        exceptId === undefined ? q.revokeAll.run({ userId, at, reason }).changes : q.revokeAllExcept.run({ userId, at, reason, exceptId }).changes,
      ),
    listUnrevoked: (userId) => scope.run(() => q.listUnrevoked.all({ userId })),
  };
}

export function tokenRepository(q: Queries, scope: Scope): OpaqueTokenRepository {
  return {
    insert: (t) =>
      scope.run(() => {
        q.insertToken.run(t);
      }),
    byHash: (tokenHash) => scope.run(() => q.tokenByHash.get({ tokenHash })),
    use: (id, at) => scope.run(() => q.useToken.run({ id, at }).changes === 1),
    useAllOfUser: (userId, kind, at) =>
      scope.run(() => {
        q.useAllTokensOfUser.run({ userId, kind, at });
      }),
  };
}
