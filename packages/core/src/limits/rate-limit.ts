import type { LimitBucket } from "@authsvc/store";
import type { AuthContext } from "../context";
import { AuthError, type AuthErrorCode } from "../errors";
import type { Limit } from "../options";

/**
 * The windows written into the rules rather than into options: the code sends' per hour and
 * per day, the new-number budget's hour. The purge keeps rows as long as the longest of these
 * and of the options' windows (maintenance/purge.ts).
 */
export const HOUR_WINDOW_SEC = 3600;
export const DAY_WINDOW_SEC = 86_400;
export const FIXED_WINDOWS_SEC = [HOUR_WINDOW_SEC, DAY_WINDOW_SEC] as const;

export interface LimitState {
  count: number;
  /** Seconds until the window ends and the count starts again. */
  retryAfterSec: number;
}

const toState = (ctx: AuthContext, limit: Limit, bucket: LimitBucket | undefined): LimitState => {
  const now = ctx.now();
  if (!bucket || bucket.windowStart + limit.windowSec * 1000 <= now) return { count: 0, retryAfterSec: 0 };
  return { count: bucket.count, retryAfterSec: Math.max(1, Math.ceil((bucket.windowStart + limit.windowSec * 1000 - now) / 1000)) };
};

/** Adds `n` to the bucket and returns its state after the hit; concurrent hits each count once (the store's contract). */
export async function hitLimit(ctx: AuthContext, key: string, limit: Limit, n = 1): Promise<LimitState> {
  return toState(ctx, limit, await ctx.store.limits.hit(key, n, limit.windowSec * 1000, ctx.now()));
}

export async function peekLimit(ctx: AuthContext, key: string, limit: Limit): Promise<LimitState> {
  return toState(ctx, limit, await ctx.store.limits.peek(key));
}

export function resetLimit(ctx: AuthContext, key: string): Promise<void> {
  return ctx.store.limits.reset(key);
}

/** Clears every bucket whose key starts with `prefix` (one bucket per client of one account, say). */
export function resetLimitsStartingWith(ctx: AuthContext, prefix: string): Promise<void> {
  return ctx.store.limits.resetPrefix(prefix);
}

/** Throws when a count taken by `hitLimit` went over the limit. */
export function refuseOver(state: LimitState, limit: Limit, code: AuthErrorCode = "RATE_LIMITED"): void {
  if (state.count > limit.max) throw new AuthError(code, { retryAfterSec: state.retryAfterSec });
}

/** Counts this call and throws when it goes over the limit. */
export async function consumeLimit(ctx: AuthContext, key: string, limit: Limit, code: AuthErrorCode = "RATE_LIMITED"): Promise<LimitState> {
  const state = await hitLimit(ctx, key, limit);
  refuseOver(state, limit, code);
  return state;
}
