import type { User } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { hitLimit, resetLimit } from "../limits/rate-limit";
import { requesterOf, type Requester } from "../limits/requester";
import { transaction } from "../transaction";
import type { Limit } from "../options";
import { getCredentials } from "../users/users";

/**
 * A subject's part of a limit key, with no `:` left in it: the `:` after it then ends the
 * subject, so a prefix reset of one subject never reaches another (`login-fail:user:14:`
 * never matches user 140; username `ana` never matches a username `ana:x`).
 */
const keyPart = (value: string) => value.replaceAll("%", "%25").replaceAll(":", "%3A");

/**
 * Every wrong-password counter of one account starts with this, delimiter included: the
 * account from everywhere (`accountKey`) and the account per client (`...:<client>`).
 * liftLockouts resets by this prefix.
 */
export const accountPrefix = (userId: number) => `login-fail:user:${userId}:`;

/** Wrong passwords counted per account from all clients together; lifted by a code sign-in or a reset link (`liftLockouts`). */
export const accountKey = (userId: number) => `${accountPrefix(userId)}*`;

/**
 * Every wrong-password counter of an identifier as typed (`kind` as classifyIdentifier names
 * it) starts with this, delimiter included; one counter per client follows it.
 */
export const identifierPrefix = (kind: "email" | "phone" | "username", value: string) => `login-fail:${kind}:${keyPart(value.toLowerCase())}:`;

/** The identifier a person typed into the login box, as classifyIdentifier read it. */
export interface TypedIdentifier {
  kind: "email" | "phone" | "username";
  value: string;
}

/**
 * The counters a wrong password adds to: the identifier typed and the account, each per
 * requester (limits/requester.ts; so a stranger's guesses lock out only the stranger), and
 * the account from everywhere, with a higher ceiling against guessing spread over many
 * addresses.
 *
 * A known device of the account is its own requester: its tries count on the device's bucket
 * instead of the address's (so a sprayer behind the same carrier NAT does not lock it out),
 * with the same per-client limit, and the account-wide counter neither counts nor refuses
 * them: that ceiling is against strangers, and the device has signed in to this account
 * before. The owner's own wrong guesses on it are still limited, per device.
 */
function failureCounters(ctx: AuthContext, typed: TypedIdentifier | undefined, user: User | undefined, requester: Requester): [string, Limit][] {
  const perClient = ctx.options.limits.loginFailuresPerIdentifier;
  const counters: [string, Limit][] = [];
  if (typed) counters.push([`${identifierPrefix(typed.kind, typed.value)}${requester.key}`, perClient]);
  if (user) counters.push([`${accountPrefix(user.id)}${requester.key}`, perClient]);
  if (user && !requester.knownDevice) counters.push([accountKey(user.id), ctx.options.limits.loginFailuresPerAccount]);
  return counters;
}

/**
 * Compares a password with the try counted first (see failureCounters; switching from email
 * to username buys no extra guesses), so concurrent guesses cannot slip past the limit while
 * their hashes are being checked. Over a limit: RATE_LIMITED, with no hash computed.
 * A missing hash is compared against a dummy, so it costs the same time as a wrong one.
 */
export async function checkPasswordCounted(
  ctx: AuthContext,
  typed: TypedIdentifier | undefined,
  user: User | undefined,
  password: string,
  meta: RequestMeta | undefined,
  method: string,
): Promise<boolean> {
  const requester = requesterOf(ctx, meta, user?.id);
  const device = requester.knownDevice;
  const counters = failureCounters(ctx, typed, user, requester);
  // In one transaction: each counter's row stays locked until all are counted, so concurrent
  // guesses reach every counter in the same order, and the first `max` of that order pass
  // them all (counted one by one, each counter could let a different set through, fewer than
  // `max` in all, and the guess that filled one could be refused by another before its
  // lockout is recorded).
  const attempts = await transaction(ctx, async (tx) => {
    const counted: { count: number; retryAfterSec: number; limit: Limit }[] = [];
    for (const [key, limit] of counters) counted.push({ ...(await hitLimit(tx, key, limit)), limit });
    return counted;
  });
  const over = attempts.filter((a) => a.count > a.limit.max);
  if (over.length) throw new AuthError("RATE_LIMITED", { retryAfterSec: Math.max(...over.map((a) => a.retryAfterSec)) });
  const stored = user ? (await getCredentials(ctx, user.id))?.passwordHash : undefined;
  const ok = (await ctx.hasher.verify(stored ?? (await ctx.hasher.dummy(ctx.options.argon2)), password)) && Boolean(stored);
  if (ok) {
    for (const [key] of counters) await resetLimit(ctx, key);
    // The right password from a known device of the account: the owner, so the strangers' count goes too.
    if (device) await resetLimit(ctx, accountKey(user!.id));
    return true;
  }
  await audit(ctx, { kind: "login_failed", outcome: "fail", userId: user?.id ?? null, meta, detail: device ? { method, knownDevice: true } : { method } });
  const full = attempts.find((a) => a.count === a.limit.max);
  if (full) {
    await audit(ctx, { kind: "lockout", outcome: "fail", userId: user?.id ?? null, meta, detail: { what: "password", seconds: full.retryAfterSec } });
  }
  return false;
}

/** The signed-in person re-proves their password before a sensitive change. */
export async function proveCurrentPassword(ctx: AuthContext, user: User, password: string, meta?: RequestMeta): Promise<void> {
  if (!(await checkPasswordCounted(ctx, undefined, user, password, meta, "current_password"))) {
    throw new AuthError("INVALID_CREDENTIALS");
  }
}
