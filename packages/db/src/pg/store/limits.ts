import { and, eq, gte, lt, sql } from "drizzle-orm";
import { prefixUpperBound, type LimitRepository } from "@authsvc/store";
import { rateLimits } from "../schema";
import { lazy, type Bound } from "./session";

export function pgLimits({ db }: Bound): LimitRepository {
  const n = sql`${sql.placeholder("n")}::integer`;
  const at = sql`${sql.placeholder("at")}::bigint`;
  const ended = sql`${rateLimits.windowStart} + ${sql.placeholder("windowMs")}::bigint <= ${at}`;
  // One statement, so concurrent hits from any instance each count exactly once: the row lock
  // orders them, and the window starts over in the same step when the old one has ended.
  const hit = lazy(() =>
    db
      .insert(rateLimits)
      .values({ key: sql`${sql.placeholder("key")}`, count: n, windowStart: at })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`CASE WHEN ${ended} THEN ${n} ELSE ${rateLimits.count} + ${n} END`,
          windowStart: sql`CASE WHEN ${ended} THEN ${at} ELSE ${rateLimits.windowStart} END`,
        },
      })
      .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart })
      .prepare("authsvc_limit_hit"),
  );
  // Never locked, even in a transaction: a bucket changes only by a hit, which says itself
  // what it counted, and a lock taken here before a code's row (core reads both) would let
  // two checks of one code deadlock.
  const peek = lazy(() =>
    db
      .select({ count: rateLimits.count, windowStart: rateLimits.windowStart })
      .from(rateLimits)
      .where(eq(rateLimits.key, sql.placeholder("key")))
      .prepare("authsvc_limit_peek"),
  );
  return {
    hit: async (key, count, windowMs, now) => (await hit().execute({ key, n: count, windowMs, at: now }))[0]!,
    peek: async (key) => (await peek().execute({ key }))[0],
    async reset(key) {
      await db.delete(rateLimits).where(eq(rateLimits.key, key));
    },
    async resetPrefix(prefix) {
      // A key range, which the key's index serves (the column collates "C": code point order,
      // so a range is exactly a prefix); left(key) read every row. Not LIKE either: an email
      // in a key may hold % or _.
      const upper = prefixUpperBound(prefix);
      await db.delete(rateLimits).where(upper === null ? gte(rateLimits.key, prefix) : and(gte(rateLimits.key, prefix), lt(rateLimits.key, upper)));
    },
  };
}
