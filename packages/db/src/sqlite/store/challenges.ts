import { LIVE_CHALLENGES_READ, type Challenge, type ChallengeRepository } from "@authsvc/store";
import { and, desc, eq, isNotNull, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { challenges } from "../schema";
import { bare } from "./bare";
import type { Scope } from "./scope";

const p = sql.placeholder;
const live = and(isNull(challenges.consumedAt), isNull(challenges.supersededAt));
const forDestination = and(eq(challenges.purpose, p("purpose")), eq(challenges.destination, p("destination")));
// Ties (a frozen clock): the one not replaced, then the one written last.
const newestFirst = [desc(challenges.createdAt), sql`${challenges.supersededAt} IS NULL DESC`, desc(challenges.lastSentAt), sql`rowid DESC`] as const;
const signupTo = and(eq(challenges.purpose, "signup"), eq(challenges.destination, p("destination")), isNotNull(challenges.payload));

/**
 * The newest challenges matching `where`, at most `limit`, as one statement with the limit
 * written into its text: Drizzle binds a limit as a parameter, and SQLite compiles an
 * ORDER BY ... LIMIT ? statement again on every run.
 */
function newestOf(db: Db, where: SQL | undefined, limit: number) {
  const query = db.select().from(challenges).where(where).orderBy(...newestFirst);
  const limited = { toSQL: () => ({ ...query.toSQL(), sql: `${query.toSQL().sql} limit ${limit}` }), prepare: () => query.prepare() };
  const statement = bare(db, limited, challenges);
  return (values: Record<string, unknown>): Challenge[] => statement.all(values);
}

// A code send runs several of these, a code check two or three: prepared once per store.
export function prepareChallenges(db: Db) {
  return {
    byId: bare(db, db.select().from(challenges).where(eq(challenges.id, p("id"))), challenges),
    latest: newestOf(db, forDestination, 1),
    latestFrom: newestOf(db, and(forDestination, eq(challenges.requester, p("requester"))), 1),
    live: newestOf(db, and(forDestination, live), LIVE_CHALLENGES_READ),
    insert: bare(
      db,
      db
        .insert(challenges)
        .values({
          id: p("id"),
          userId: p("userId"),
          purpose: p("purpose"),
          channel: p("channel"),
          destination: p("destination"),
          codeHash: p("codeHash"),
          expiresAt: p("expiresAt"),
          attemptsLeft: p("attemptsLeft"),
          sendCount: p("sendCount"),
          lastSentAt: p("lastSentAt"),
          // Raw, so NULL stays NULL: a placeholder bound to the JSON column would store "null".
          payload: sql`${p("payload")}`,
          requester: p("requester"),
          createdAt: p("createdAt"),
        }),
    ),
    supersedeLive: bare(
      db,
      db
        .update(challenges)
        .set({ supersededAt: sql`${p("at")}` })
        .where(and(forDestination, live)),
    ),
    supersedeLiveFrom: bare(
      db,
      db
        .update(challenges)
        .set({ supersededAt: sql`${p("at")}` })
        .where(and(forDestination, eq(challenges.requester, p("requester")), live)),
    ),
    supersedeLiveOfUser: bare(
      db,
      db
        .update(challenges)
        .set({ supersededAt: sql`${p("at")}` })
        .where(and(eq(challenges.userId, p("userId")), eq(challenges.purpose, p("purpose")), live)),
    ),
    supersede: bare(
      db,
      db
        .update(challenges)
        .set({ supersededAt: sql`${p("at")}`, payload: null })
        .where(and(eq(challenges.id, p("id")), live)),
    ),
    consume: bare(
      db,
      db
        .update(challenges)
        .set({ consumedAt: sql`${p("at")}` })
        .where(and(eq(challenges.id, p("id")), live)),
    ),
    // One statement, so concurrent wrong codes each take exactly one try and never go below zero.
    spendAttempt: db.$client.prepare(
      `UPDATE challenges SET attempts_left = attempts_left - 1 WHERE id = ? AND attempts_left > 0 RETURNING attempts_left AS left`,
    ),
    clearLastSent: bare(db, db.update(challenges).set({ lastSentAt: 0 }).where(eq(challenges.id, p("id")))),
    dropSignupPayloads: bare(db, db.update(challenges).set({ payload: null }).where(signupTo)),
    dropSignupPayloadsExcept: bare(
      db,
      db
        .update(challenges)
        .set({ payload: null })
        .where(and(signupTo, ne(challenges.id, p("exceptId")))),
    ),
  };
}

type Queries = ReturnType<typeof prepareChallenges>;

export function challengeRepository(q: Queries, scope: Scope): ChallengeRepository {
  return {
    byId: (id) => scope.run(() => q.byId.get({ id })),
    latest: (purpose, destination) => scope.run(() => q.latest({ purpose, destination })[0]),
    latestFrom: (purpose, destination, requester) => scope.run(() => q.latestFrom({ purpose, destination, requester })[0]),
    live: (purpose, destination) => scope.run(() => q.live({ purpose, destination })),
    // The row as given, not read back (see ./bare).
    insert: (c) =>
      scope.run(() => {
        q.insert.run({ ...c, payload: c.payload === null ? null : JSON.stringify(c.payload) });
        return { ...c, consumedAt: null, supersededAt: null };
      }),
    supersedeLive: (purpose, destination, at, requester) =>
      scope.run(() => {
        if (requester === undefined) q.supersedeLive.run({ purpose, destination, at });
        else q.supersedeLiveFrom.run({ purpose, destination, at, requester });
      }),
    supersedeLiveOfUser: (userId, purpose, at) =>
      scope.run(() => {
        q.supersedeLiveOfUser.run({ userId, purpose, at });
      }),
    supersede: (id, at) => scope.run(() => q.supersede.run({ id, at }).changes === 1),
    consume: (id, at) => scope.run(() => q.consume.run({ id, at }).changes === 1),
    spendAttempt: (id) => scope.run(() => (q.spendAttempt.get(id) as { left: number } | undefined)?.left),
    clearLastSent: (id) =>
      scope.run(() => {
        q.clearLastSent.run({ id });
      }),
    dropSignupPayloads: (destination, exceptId) =>
      scope.run(() => {
        if (exceptId === undefined) q.dropSignupPayloads.run({ destination });
        else q.dropSignupPayloadsExcept.run({ destination, exceptId });
      }),
  };
}
