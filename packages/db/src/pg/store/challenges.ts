import { and, desc, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { LIVE_CHALLENGES_READ, type ChallengeRepository } from "@authsvc/store";
import { challenges } from "../schema";
import { lazy, lockedIn, type Bound } from "./session";

const live = and(isNull(challenges.consumedAt), isNull(challenges.supersededAt));
const forDestination = and(eq(challenges.purpose, sql.placeholder("purpose")), eq(challenges.destination, sql.placeholder("destination")));
// Of two made in one millisecond (a frozen clock), the second replaced the first: the live one is the newer.
const newestFirst = [desc(challenges.createdAt), desc(sql`${challenges.supersededAt} IS NULL`), desc(challenges.lastSentAt)] as const;

export function pgChallenges(bound: Bound): ChallengeRepository {
  const { db } = bound;
  const byId = lazy(() =>
    lockedIn(bound, db.select().from(challenges).where(eq(challenges.id, sql.placeholder("id"))).$dynamic(), "challenge_by_id"),
  );
  const latest = lazy(() =>
    lockedIn(bound, db.select().from(challenges).where(forDestination).orderBy(...newestFirst).limit(1).$dynamic(), "challenge_latest"),
  );
  const latestFrom = lazy(() =>
    lockedIn(
      bound,
      db
        .select()
        .from(challenges)
        .where(and(forDestination, eq(challenges.requester, sql.placeholder("requester"))))
        .orderBy(...newestFirst)
        .limit(1)
        .$dynamic(),
      "challenge_latest_from",
    ),
  );
  const liveOnes = lazy(() =>
    lockedIn(
      bound,
      db.select().from(challenges).where(and(forDestination, live)).orderBy(...newestFirst).limit(LIVE_CHALLENGES_READ).$dynamic(),
      "challenge_live",
    ),
  );
  return {
    byId: async (id) => (await byId().execute({ id }))[0],
    latest: async (purpose, destination) => (await latest().execute({ purpose, destination }))[0],
    latestFrom: async (purpose, destination, requester) => (await latestFrom().execute({ purpose, destination, requester }))[0],
    live: (purpose, destination) => liveOnes().execute({ purpose, destination }),
    async insert(c) {
      const [row] = await db.insert(challenges).values(c).returning();
      return row!;
    },
    async supersedeLive(purpose, destination, at, requester) {
      await db
        .update(challenges)
        .set({ supersededAt: at })
        .where(
          and(
            eq(challenges.purpose, purpose),
            eq(challenges.destination, destination),
            live,
            requester === undefined ? undefined : eq(challenges.requester, requester),
          ),
        );
    },
    async supersedeLiveOfUser(userId, purpose, at) {
      await db
        .update(challenges)
        .set({ supersededAt: at })
        .where(and(eq(challenges.userId, userId), eq(challenges.purpose, purpose), live));
    },
    async supersede(id, at) {
      const rows = await db
        .update(challenges)
        .set({ supersededAt: at, payload: null })
        .where(and(eq(challenges.id, id), live))
        .returning({ id: challenges.id });
      return rows.length === 1;
    },
    async consume(id, at) {
      // The row lock makes a second consumer wait, then find the code no longer live.
      const rows = await db
        .update(challenges)
        .set({ consumedAt: at })
        .where(and(eq(challenges.id, id), live))
        .returning({ id: challenges.id });
      return rows.length === 1;
    },
    async spendAttempt(id) {
      const [row] = await db
        .update(challenges)
        .set({ attemptsLeft: sql`${challenges.attemptsLeft} - 1` })
        .where(and(eq(challenges.id, id), sql`${challenges.attemptsLeft} > 0`))
        .returning({ left: challenges.attemptsLeft });
      return row?.left;
    },
    async clearLastSent(id) {
      await db.update(challenges).set({ lastSentAt: 0 }).where(eq(challenges.id, id));
    },
    async dropSignupPayloads(destination, exceptId) {
      await db
        .update(challenges)
        .set({ payload: null })
        .where(
          and(
            eq(challenges.purpose, "signup"),
            eq(challenges.destination, destination),
            isNotNull(challenges.payload),
            exceptId === undefined ? undefined : ne(challenges.id, exceptId),
          ),
        );
    },
  };
}
