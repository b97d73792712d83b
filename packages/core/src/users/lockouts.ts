import type { User } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { resetLimitsStartingWith } from "../limits/rate-limit";
import { accountPrefix, identifierPrefix } from "../passwords/check";

/**
 * A code to a channel the person has proven gets them back in: it lifts the account-wide
 * password lock and a locked PIN, whoever caused them. Runs inside the sign-in's transaction.
 */
export async function liftLockouts(ctx: AuthContext, user: User, meta?: RequestMeta): Promise<void> {
  // The account's counters (all clients together, and each client), and those of each
  // identifier it can be typed as. Each prefix ends with its delimiter: user 14's never reaches user 140's.
  await resetLimitsStartingWith(ctx, accountPrefix(user.id));
  for (const [kind, value] of [["email", user.email], ["phone", user.phone], ["username", user.username]] as const) {
    if (value) await resetLimitsStartingWith(ctx, identifierPrefix(kind, value));
  }
  if (await ctx.store.credentials.liftPinLock(user.id)) await audit(ctx, { kind: "lockout_lifted", userId: user.id, meta, detail: { what: "pin" } });
}
