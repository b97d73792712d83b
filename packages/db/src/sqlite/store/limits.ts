import { prefixUpperBound, type LimitBucket, type LimitRepository } from "@authsvc/store";
import type { Db } from "../client";
import type { Scope } from "./scope";

// Every request hits a limit several times: raw prepared statements, the cheapest path there
// is, with values bound by position and rows read as arrays (better-sqlite3 looks each named
// value up in the object, and builds a row object one property at a time).
export function prepareLimits(db: Db) {
  const client = db.$client;
  return {
    // One statement, so concurrent hits from any process count exactly once each; read back by
    // `peek`, not RETURNING (see ./bare for why), in the same synchronous call.
    hit: client.prepare<[key: string, n: number, at: number, windowMs: number, windowMs: number]>(
      `INSERT INTO rate_limits (key, count, window_start) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start + ? <= excluded.window_start THEN excluded.count ELSE count + excluded.count END,
         window_start = CASE WHEN window_start + ? <= excluded.window_start THEN excluded.window_start ELSE window_start END`,
    ),
    peek: client.prepare<[key: string], [number, number]>(`SELECT count, window_start FROM rate_limits WHERE key = ?`).raw(true),
    reset: client.prepare(`DELETE FROM rate_limits WHERE key = ?`),
    // A key range, which the key's index serves (a test on substr(key) read every row); not
    // LIKE either: an email in a key may hold % or _.
    resetPrefix: client.prepare(`DELETE FROM rate_limits WHERE key >= @prefix AND key < @upper`),
    resetFrom: client.prepare(`DELETE FROM rate_limits WHERE key >= @prefix`),
  };
}

type Queries = ReturnType<typeof prepareLimits>;

const bucket = ([count, windowStart]: [number, number]): LimitBucket => ({ count, windowStart });

export function limitRepository(q: Queries, scope: Scope): LimitRepository {
  return {
    hit: (key, n, windowMs, at) =>
      scope.run(() => {
        q.hit.run(key, n, at, windowMs, windowMs);
        return bucket(q.peek.get(key)!);
      }),
    peek: (key) =>
      scope.run(() => {
        const row = q.peek.get(key);
        return row && bucket(row);
      }),
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
