import { prefixUpperBound, type LimitBucket, type LimitRepository } from "@authsvc/store";
import type { Db } from "../client";
import type { Scope } from "./scope";

// Every request hits a limit or two: raw prepared statements, the cheapest path there is.
export function prepareLimits(db: Db) {
  const client = db.$client;
  return {
    // One statement, so concurrent hits from any process count exactly once each.
    hit: client.prepare(
      `INSERT INTO rate_limits (key, count, window_start) VALUES (@key, @n, @at)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start + @windowMs <= @at THEN @n ELSE count + @n END,
         window_start = CASE WHEN window_start + @windowMs <= @at THEN @at ELSE window_start END
       RETURNING count, window_start AS windowStart`,
    ),
    peek: client.prepare(`SELECT count, window_start AS windowStart FROM rate_limits WHERE key = ?`),
    reset: client.prepare(`DELETE FROM rate_limits WHERE key = ?`),
    // A key range, which the key's index serves (a test on substr(key) read every row); not
    // LIKE either: an email in a key may hold % or _.
    resetPrefix: client.prepare(`DELETE FROM rate_limits WHERE key >= @prefix AND key < @upper`),
    resetFrom: client.prepare(`DELETE FROM rate_limits WHERE key >= @prefix`),
  };
}

type Queries = ReturnType<typeof prepareLimits>;

export function limitRepository(q: Queries, scope: Scope): LimitRepository {
  return {
    hit: (key, n, windowMs, at) => scope.run(() => q.hit.get({ key, n, windowMs, at }) as LimitBucket),
    peek: (key) => scope.run(() => q.peek.get(key) as LimitBucket | undefined),
    reset: (key) =>
      scope.run(() => {
        q.reset.run(key);
      }),
    resetPrefix: (prefix) =>
      scope.run(() => {
        const upper = prefixUpperBound(prefix);
        if (upper === null) q.resetFrom.run({ prefix });
        else q.resetPrefix.run({ prefix, upper });
      }),
  };
}
