import type { Db } from "@authsvc/db";
import type { AuthContext } from "../context";
import { AuthError, type AuthErrorCode } from "../errors";
import type { Limit } from "../options";

export interface LimitState {
  count: number;
  /** Seconds until the window ends and the count starts again. */
  retryAfterSec: number;
}

type Statement = ReturnType<Db["$client"]["prepare"]>;

interface Statements {
  hit: Statement;
  peek: Statement;
  reset: Statement;
  resetPrefix: Statement;
}
const prepared = new WeakMap<object, Statements>();

function statements(ctx: AuthContext): Statements {
  const client = ctx.db.$client;
  let s = prepared.get(client);
  if (!s) {
    s = {
      // One statement, so concurrent hits from any process count exactly once each.
      hit: client.prepare(
        `INSERT INTO rate_limits (key, count, window_start) VALUES (@key, @n, @now)
         ON CONFLICT(key) DO UPDATE SET
           count = CASE WHEN window_start + @windowMs <= @now THEN @n ELSE count + @n END,
           window_start = CASE WHEN window_start + @windowMs <= @now THEN @now ELSE window_start END
         RETURNING count, window_start AS windowStart`,
      ),
      peek: client.prepare(`SELECT count, window_start AS windowStart FROM rate_limits WHERE key = ?`),
      reset: client.prepare(`DELETE FROM rate_limits WHERE key = ?`),
      // Not LIKE: an email in a key may hold % or _.
      resetPrefix: client.prepare(`DELETE FROM rate_limits WHERE substr(key, 1, length(@prefix)) = @prefix`),
    };
    prepared.set(client, s);
  }
  return s;
}

const toState = (ctx: AuthContext, limit: Limit, row: { count: number; windowStart: number } | undefined): LimitState => {
  const now = ctx.now();
  if (!row || row.windowStart + limit.windowSec * 1000 <= now) return { count: 0, retryAfterSec: 0 };
  return { count: row.count, retryAfterSec: Math.max(1, Math.ceil((row.windowStart + limit.windowSec * 1000 - now) / 1000)) };
};

/** Adds `n` to the bucket and returns its state after the hit. */
export function hitLimit(ctx: AuthContext, key: string, limit: Limit, n = 1): LimitState {
  const row = statements(ctx).hit.get({ key, n, now: ctx.now(), windowMs: limit.windowSec * 1000 }) as {
    count: number;
    windowStart: number;
  };
  return toState(ctx, limit, row);
}

export function peekLimit(ctx: AuthContext, key: string, limit: Limit): LimitState {
  return toState(ctx, limit, statements(ctx).peek.get(key) as { count: number; windowStart: number } | undefined);
}

export function resetLimit(ctx: AuthContext, key: string): void {
  statements(ctx).reset.run(key);
}

/** Clears every bucket whose key starts with `prefix` (one bucket per client of one account, say). */
export function resetLimitsStartingWith(ctx: AuthContext, prefix: string): void {
  statements(ctx).resetPrefix.run({ prefix });
}

/** Counts this call and throws when it goes over the limit. */
export function consumeLimit(ctx: AuthContext, key: string, limit: Limit, code: AuthErrorCode = "RATE_LIMITED"): LimitState {
  const state = hitLimit(ctx, key, limit);
  if (state.count > limit.max) throw new AuthError(code, { retryAfterSec: state.retryAfterSec });
  return state;
}
