import { and, credentials, eq, isNotNull, or, sql, type User } from "@authsvc/db";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { resetLimitsStartingWith } from "../limits/rate-limit";
import { accountKey, identifierKey } from "../passwords/check";

/**
 * A code to a channel the person has proven gets them back in: it lifts the account-wide
 * password lock and a locked PIN, whoever caused them. Runs inside the sign-in's transaction.
 */
export function liftLockouts(ctx: AuthContext, user: User, meta?: RequestMeta): void {
  // The account's counters from every client, and those of each identifier it can be typed as.
  resetLimitsStartingWith(ctx, accountKey(user.id));
  for (const [kind, value] of [["email", user.email], ["phone", user.phone], ["username", user.username]] as const) {
    if (value) resetLimitsStartingWith(ctx, `${identifierKey(kind, value)}:`);
  }
  const lifted = ctx.db
    .update(credentials)
    .set({ pinFailures: 0, pinLockedAt: null })
    .where(and(eq(credentials.userId, user.id), or(isNotNull(credentials.pinLockedAt), sql`${credentials.pinFailures} > 0`)))
    .run();
  if (lifted.changes > 0) audit(ctx, { kind: "lockout_lifted", userId: user.id, meta, detail: { what: "pin" } });
}
