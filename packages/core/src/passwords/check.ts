import type { User } from "@authsvc/db";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { hitLimit, resetLimit } from "../limits/rate-limit";
import { getCredentials } from "../users/users";
import { dummyHash, verifySecret } from "./hash";

/**
 * Compares a password with the try counted under each of `keys` first (the identifier
 * typed and the account, so switching from email to username buys no extra guesses), so concurrent guesses cannot
 * slip past the limit while their hashes are being checked. Over the limit: RATE_LIMITED.
 * A missing hash is compared against a dummy, so it costs the same time as a wrong one.
 */
export async function checkPasswordCounted(
  ctx: AuthContext,
  keys: string[],
  user: User | undefined,
  password: string,
  meta: RequestMeta | undefined,
  method: string,
): Promise<boolean> {
  const limit = ctx.options.limits.loginFailuresPerIdentifier;
  const attempts = keys.map((key) => hitLimit(ctx, key, limit));
  const over = attempts.filter((a) => a.count > limit.max);
  if (over.length) throw new AuthError("RATE_LIMITED", { retryAfterSec: Math.max(...over.map((a) => a.retryAfterSec)) });
  const attempt = attempts.reduce((a, b) => (b.count > a.count ? b : a));
  const stored = user ? getCredentials(ctx, user.id)?.passwordHash : undefined;
  const ok = (await verifySecret(stored ?? (await dummyHash(ctx.options.argon2)), password)) && Boolean(stored);
  if (ok) {
    for (const key of keys) resetLimit(ctx, key);
    return true;
  }
  audit(ctx, { kind: "login_failed", outcome: "fail", userId: user?.id ?? null, meta, detail: { method } });
  if (attempt.count === limit.max) {
    audit(ctx, { kind: "lockout", outcome: "fail", userId: user?.id ?? null, meta, detail: { what: "password", seconds: attempt.retryAfterSec } });
  }
  return false;
}

/** Wrong passwords counted per account, whatever identifier was typed. */
export const accountKey = (userId: number) => `login-fail:user:${userId}`;

/** The signed-in person re-proves their password before a sensitive change. */
export async function proveCurrentPassword(ctx: AuthContext, user: User, password: string, meta?: RequestMeta): Promise<void> {
  if (!(await checkPasswordCounted(ctx, [accountKey(user.id)], user, password, meta, "current_password"))) {
    throw new AuthError("INVALID_CREDENTIALS");
  }
}
