import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { OpaqueTokenRepository, SessionRepository } from "@authsvc/store";
import { opaqueTokens, sessions, users } from "../schema";
import { lazy, lockedIn, type Bound } from "./session";

export function pgSessions(bound: Bound): SessionRepository {
  const { db } = bound;
  // Every token check reads its session: one round trip on a statement parsed once per connection.
  const byId = lazy(() =>
    lockedIn(bound, db.select().from(sessions).where(eq(sessions.id, sql.placeholder("id"))).$dynamic(), "session_by_id"),
  );
  // A token check's session and user in one round trip rather than two.
  const withUser = lazy(() =>
    lockedIn(
      bound,
      db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, sql.placeholder("id")))
        .$dynamic(),
      "session_with_user",
    ),
  );
  const touch = lazy(() =>
    db
      .update(sessions)
      .set({ lastUsedAt: sql`${sql.placeholder("at")}` })
      .where(eq(sessions.id, sql.placeholder("id")))
      .prepare("authsvc_session_touch"),
  );
  const unrevoked = (userId: number) => and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  return {
    async insert(s) {
      const [row] = await db.insert(sessions).values(s).returning();
      return row!;
    },
    byId: async (id) => (await byId().execute({ id }))[0],
    byIdWithUser: async (id) => (await withUser().execute({ id }))[0],
    async touch(id, at) {
      await touch().execute({ id, at });
    },
    async markAuthenticated(id, at) {
      await db.update(sessions).set({ authenticatedAt: at }).where(eq(sessions.id, id));
    },
    async advanceGeneration(id, from, at) {
      const rows = await db
        .update(sessions)
        .set({ generation: from + 1, lastUsedAt: at })
        .where(and(eq(sessions.id, id), eq(sessions.generation, from)))
        .returning({ id: sessions.id });
      return rows.length === 1;
    },
    async revoke(id, at, reason) {
      const rows = await db
        .update(sessions)
        .set({ revokedAt: at, revokedReason: reason })
        .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id });
      return rows.length === 1;
    },
    async revokeAllOfUser(userId, at, reason, exceptId) {
      const rows = await db
        .update(sessions)
        .set({ revokedAt: at, revokedReason: reason })
        .where(and(unrevoked(userId), exceptId === undefined ? undefined : ne(sessions.id, exceptId)))
        .returning({ id: sessions.id });
      return rows.length;
    },
    listUnrevoked: async (userId) => await db.select().from(sessions).where(unrevoked(userId)).orderBy(desc(sessions.lastUsedAt)),
  };
}

export function pgTokens(bound: Bound): OpaqueTokenRepository {
  const { db } = bound;
  const byHash = lazy(() =>
    lockedIn(bound, db.select().from(opaqueTokens).where(eq(opaqueTokens.tokenHash, sql.placeholder("hash"))).$dynamic(), "token_by_hash"),
  );
  return {
    async insert(t) {
      await db.insert(opaqueTokens).values(t);
    },
    byHash: async (hash) => (await byHash().execute({ hash }))[0],
    async use(id, at) {
      const rows = await db
        .update(opaqueTokens)
        .set({ usedAt: at })
        .where(and(eq(opaqueTokens.id, id), isNull(opaqueTokens.usedAt)))
        .returning({ id: opaqueTokens.id });
      return rows.length === 1;
    },
    async useAllOfUser(userId, kind, at) {
      await db
        .update(opaqueTokens)
        .set({ usedAt: at })
        .where(and(eq(opaqueTokens.userId, userId), eq(opaqueTokens.kind, kind), isNull(opaqueTokens.usedAt)));
    },
  };
}
