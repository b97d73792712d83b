import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { AuthError } from "../errors";
import { consumeLimit, hitLimit, resetLimit } from "../limits/rate-limit";
import { dummyHash, verifySecret } from "../passwords/hash";
import { transaction } from "../transaction";
import { classifyIdentifier } from "../users/normalize";
import { findUserByEmail, findUserByPhone, findUserByUsername, getCredentials } from "../users/users";
import { issueToken, openSession, type SignedIn, type TokenRequest } from "./sign-in";

export function findUserByIdentifier(ctx: AuthContext, identifier: string) {
  const id = classifyIdentifier(identifier, ctx.options.defaultCountry);
  const user =
    id.kind === "email" ? findUserByEmail(ctx, id.value) : id.kind === "phone" ? findUserByPhone(ctx, id.value) : findUserByUsername(ctx, id.value);
  return { key: `${id.kind}:${id.value.toLowerCase()}`, user };
}

/**
 * Email, phone or username with the account password. Unknown accounts are checked against
 * a dummy hash, so they answer the same, in the same time, as a wrong password.
 */
export async function loginWithPassword(
  ctx: AuthContext,
  input: { identifier: string; password: string; requireVerifiedEmail?: boolean },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  if (meta?.ip) consumeLimit(ctx, `login-ip:${meta.ip}`, ctx.options.limits.loginPerIp);
  let key: string;
  let user;
  try {
    ({ key, user } = findUserByIdentifier(ctx, input.identifier));
  } catch {
    throw new AuthError("INVALID_CREDENTIALS");
  }
  const failKey = `login-fail:${key}`;
  const limit = ctx.options.limits.loginFailuresPerIdentifier;
  // The attempt is counted before the slow compare, so concurrent guesses cannot slip
  // past the limit while their hashes are still being checked; a success clears it.
  const attempt = hitLimit(ctx, failKey, limit);
  if (attempt.count > limit.max) throw new AuthError("RATE_LIMITED", { retryAfterSec: attempt.retryAfterSec });
  const stored = user ? getCredentials(ctx, user.id)?.passwordHash : undefined;
  const ok = (await verifySecret(stored ?? (await dummyHash(ctx.options.argon2)), input.password)) && Boolean(stored);
  if (!ok || !user) {
    audit(ctx, { kind: "login_failed", outcome: "fail", userId: user?.id ?? null, meta, detail: { method: "password" } });
    if (attempt.count === limit.max) {
      audit(ctx, { kind: "lockout", outcome: "fail", userId: user?.id ?? null, meta, detail: { what: "password", seconds: attempt.retryAfterSec } });
    }
    throw new AuthError("INVALID_CREDENTIALS");
  }
  resetLimit(ctx, failKey);
  if (user.status === "DISABLED") throw new AuthError("ACCOUNT_DISABLED");
  if (input.requireVerifiedEmail && user.email && user.emailVerifiedAt === null) throw new AuthError("EMAIL_NOT_VERIFIED");
  const session = transaction(ctx, () => openSession(ctx, user, t, meta, "password"));
  return issueToken(ctx, user, session, t);
}
