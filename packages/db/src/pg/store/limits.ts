import { prefixUpperBound, type LimitRepository } from "@authsvc/store";
import type { Bound } from "./bound";
import { execute, first, named } from "./statement";

// One statement, so concurrent hits from any instance each count exactly once: the row lock
// orders them, and the window starts over in the same step when the old one has ended.
const ended = `rate_limits.window_start + $4::bigint <= $3::bigint`;
const hit = named(
  "limit_hit",
  `INSERT INTO rate_limits ("key", "count", window_start) VALUES ($1, $2::integer, $3::bigint)
   ON CONFLICT ("key") DO UPDATE SET
     "count" = CASE WHEN ${ended} THEN $2::integer ELSE rate_limits."count" + $2::integer END,
     window_start = CASE WHEN ${ended} THEN $3::bigint ELSE rate_limits.window_start END
   RETURNING "count", window_start AS "windowStart"`,
);
// Never locked, even in a transaction: a bucket changes only by a hit, which says itself
// what it counted, and a lock taken here before a code's row (core reads both) would let
// two checks of one code deadlock.
const peek = named("limit_peek", `SELECT "count", window_start AS "windowStart" FROM rate_limits WHERE "key" = $1`);
const reset = named("limit_reset", `DELETE FROM rate_limits WHERE "key" = $1`);
// A key range, which the key's index serves (the column collates "C": code point order, so a
// range is exactly a prefix); left(key) read every row. Not LIKE either: an email in a key
// may hold % or _.
const resetFrom = named("limit_reset_from", `DELETE FROM rate_limits WHERE "key" >= $1`);
const resetRange = named("limit_reset_range", `${resetFrom.text} AND "key" < $2`);

type Bucket = { count: number; windowStart: number };

export function pgLimits({ on }: Bound): LimitRepository {
  return {
    hit: async (key, count, windowMs, now) => (await first<Bucket>(on, hit, [key, count, now, windowMs]))!,
    peek: (key) => first<Bucket>(on, peek, [key]),
    reset: (key) => execute(on, reset, [key]),
    resetPrefix(prefix) {
      const upper = prefixUpperBound(prefix);
      return upper === null ? execute(on, resetFrom, [prefix]) : execute(on, resetRange, [prefix, upper]);
    },
  };
}
