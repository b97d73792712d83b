import type { Challenge, User } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { requesterOf } from "../limits/requester";
import { controlledOtherwise } from "./claims";
import { getCredentials, updateUser } from "./users";

/**
 * Who registered an account or a pending registration, and whether what they chose survives
 * the email's proof (DESIGN.md, "Who owns an identifier"). Anyone may register anybody's
 * email; the code goes to the email's owner. So a password (and a username, names, a bio, a
 * picture, a phone) given at registration survives the proof only when the proof comes from
 * the client that registered (its address group) while the registration is fresh.
 *
 * Fresh: the proving code was made no later than one code lifetime after the registration,
 * that is while a code sent at registration would still be live (and a code is good for one
 * lifetime, so at most two lifetimes pass from registering to proving: 10 minutes by
 * default). Short, so a stranger behind the same address (a shared NAT, one IPv6 /64) has
 * little chance of a victim proving the email in that window; long enough for a registrant
 * who asks for the code a little after registering. Whoever proves later, or from elsewhere,
 * is signed in with none of it and sets their own password.
 */

/**
 * A request's client for this rule: the requester (limits/requester.ts) as an anonymous
 * caller is one, its address group; nobody has signed in to a registration yet.
 */
export const clientOf = (ctx: AuthContext, meta: RequestMeta | undefined): string => requesterOf(ctx, meta).key;

/** The registration is fresh for a code made at `codeAt` (see above). */
export const isFresh = (ctx: AuthContext, registeredAt: number, codeAt: number): boolean =>
  codeAt <= registeredAt + ctx.options.code.ttlSec * 1000;

/**
 * Where an account created with a password (family 002) remembers its registering client:
 * a bucket of the limits table whose window starts at the registration, one per (user,
 * client). No column: the fact matters only for minutes, and the purge drops old buckets.
 * The key ends with a delimiter, so user 14's never prefixes user 140's.
 */
const registrantKey = (userId: number, client: string) => `registrant:${userId}:${client}`;

/** Records that `meta`'s client registered the account (inside the creating transaction). */
export async function recordRegistrant(ctx: AuthContext, user: User, meta: RequestMeta | undefined): Promise<void> {
  // Two lifetimes: past them no code can be fresh any more (isFresh), so the bucket may go.
  await ctx.store.limits.hit(registrantKey(user.id, clientOf(ctx, meta)), 1, 2 * ctx.options.code.ttlSec * 1000, user.createdAt);
}

/** The registrant's choices that go when somebody else proves the email. */
export const REGISTRANT_PROFILE = { username: null, fullName: null, birthDate: null, bio: null, pictureUrl: null } as const;

/**
 * A code sent to the account's email came back (`c`), before the claim is proven: when the
 * account's password is the one given at registration and the proof is not the registrant's
 * fresh one, the password, username, names, bio, picture and an unproven phone go, so the
 * prover lands in an account only they control. Runs inside the caller's transaction.
 */
export async function settleRegistrantChoices(ctx: AuthContext, user: User, c: Challenge, meta: RequestMeta | undefined): Promise<User> {
  if (user.emailVerifiedAt !== null) return user;
  // Somebody holds the account by other means: proveClaim moves the email off it instead.
  if (await controlledOtherwise(ctx, user, "email")) return user;
  const creds = await getCredentials(ctx, user.id);
  const registrationPassword = Boolean(creds?.passwordHash) && creds!.passwordChangedAt === user.createdAt;
  if (!registrationPassword) return user;
  const bucket = await ctx.store.limits.peek(registrantKey(user.id, clientOf(ctx, meta)));
  if (bucket && isFresh(ctx, user.createdAt, c.createdAt)) return user;

  await ctx.store.credentials.clearPassword(user.id);
  const updated = await updateUser(ctx, user.id, { ...REGISTRANT_PROFILE, ...(user.phoneVerifiedAt === null ? { phone: null } : {}) });
  // Not a failure: the prover got the account, without what somebody else chose for it.
  await audit(ctx, { kind: "claim_dropped", userId: user.id, meta, detail: { channel: "email", registrantChoices: "dropped" } });
  return updated;
}
