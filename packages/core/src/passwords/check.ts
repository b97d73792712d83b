import type { User } from "@authsvc/db";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { hitLimit, resetLimit } from "../limits/rate-limit";
import { getCredentials } from "../users/users";
import { dummyHash, verifySecret } from "./hash";

/**
 * Compares a password with the try counted under `key` first, so concurrent guesses cannot
 * slip past the limit while their hashes are being checked. Over the limit: RATE_LIMITED.
 * A missing hash is compared against a dummy, so it costs the same time as a wrong one.
 */
export async function checkPasswordCounted(
  ctx: AuthContext,
  key: string,
  user: User | undefined,
  password: string,
  meta: RequestMeta | undefined,
  method: string,
): Promise<boolean> {
  const limit = ctx.options.limits.loginFailuresPerIdentifier;
  const attempt = hitLimit(ctx, key, limit);
  if (attempt.count > limit.max) throw new AuthError("RATE_LIMITED", { retryAfterSec: attempt.retryAfterSec });
  const stored = user ? getCredentials(ctx, user.id)?.passwordHash : undefined;
  const ok = (await verifySecret(stored ?? (await dummyHash(ctx.options.argon2)), password)) && Boolean(stored);
  if (ok) {
    resetLimit(ctx, key);
    return true;
  }
  audit(ctx, { kind: "login_failed", outcome: "fail", userId: user?.id ?? null, meta, detail: { method } });
  if (attempt.count === limit.max) {
    audit(ctx, { kind: "lockout", outcome: "fail", userId: user?.id ?? null, meta, detail: { what: "password", seconds: attempt.retryAfterSec } });
  }
  return false;
}

/** The signed-in person re-proves their password before a sensitive change. */
export async function proveCurrentPassword(ctx: AuthContext, user: User, password: string, meta?: RequestMeta): Promise<void> {
  if (!(await checkPasswordCounted(ctx, `password-proof:${user.id}`, user, password, meta, "current_password"))) {
    throw new AuthError("INVALID_CREDENTIALS");
  }
}
