import type { User } from "@authsvc/store";
import { audit, maskDestination } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { queue } from "../delivery/deliver";
import { createUser, getCredentials, updateUser } from "./users";

/**
 * Who owns an identifier (DESIGN.md, "Who owns an identifier"). An email or phone on an
 * account is a claim until a code sent to it comes back. Several doors put unproven claims
 * on accounts, so a claim alone never decides whose account a prover lands in.
 */
export type ClaimChannel = "email" | "phone";

const provenAt = (user: User, channel: ClaimChannel) => (channel === "email" ? user.emailVerifiedAt : user.phoneVerifiedAt);
const valueOf = (user: User, channel: ClaimChannel) => (channel === "email" ? user.email : user.phone);

/**
 * True when somebody established control of the account other than through `channel`: the
 * other identifier proven, a PIN, or a password set after the account was made (one given
 * at sign-up is part of the same unproven claim).
 */
export async function controlledOtherwise(ctx: AuthContext, user: User, channel: ClaimChannel): Promise<boolean> {
  if (provenAt(user, channel === "email" ? "phone" : "email") !== null) return true;
  const creds = await getCredentials(ctx, user.id);
  if (creds?.pinHash) return true;
  return Boolean(creds?.passwordHash && creds.passwordChangedAt !== null && creds.passwordChangedAt > user.createdAt);
}

/** A code may go to this identifier of the account: it is proven, or nobody controls the account otherwise. */
export const reachable = async (ctx: AuthContext, user: User, channel: ClaimChannel): Promise<boolean> =>
  valueOf(user, channel) !== null && (provenAt(user, channel) !== null || !(await controlledOtherwise(ctx, user, channel)));

/**
 * Where an account's recovery codes go (password reset by account, PIN reset): its email,
 * else its phone, each only if reachable.
 */
export async function recoveryDestination(ctx: AuthContext, user: User): Promise<{ channel: "email" | "sms"; to: string } | null> {
  if (user.email && (await reachable(ctx, user, "email"))) return { channel: "email", to: user.email };
  if (user.phone && (await reachable(ctx, user, "phone"))) return { channel: "sms", to: user.phone };
  return null;
}

/** Marks the identifier proven; a pending account becomes active. */
export async function markProven(ctx: AuthContext, user: User, channel: ClaimChannel, meta?: RequestMeta): Promise<User> {
  if (provenAt(user, channel) !== null && user.status !== "PENDING_VERIFICATION") return user;
  const now = ctx.now();
  const updated = await updateUser(ctx, user.id, {
    ...(channel === "email" ? { emailVerifiedAt: user.emailVerifiedAt ?? now } : { phoneVerifiedAt: user.phoneVerifiedAt ?? now }),
    status: user.status === "PENDING_VERIFICATION" ? "ACTIVE" : user.status,
  });
  await audit(ctx, { kind: channel === "email" ? "email_verified" : "phone_verified", userId: user.id, meta });
  return updated;
}

/** What a proof decided: the account the prover is signed into, and whether the claim moved to a new one. */
export interface Proven {
  user: User;
  /** Set when the proof took the claim off an account that somebody controls otherwise (see proveClaim). */
  claimMoved?: ClaimChannel;
}

/**
 * Where the owner of an account hears that a claim left it: a channel they proved, the
 * email first. Null when they proved none (a password or PIN alone).
 */
export function provenContact(user: User): { channel: "email" | "sms"; to: string } | null {
  if (user.email && user.emailVerifiedAt !== null) return { channel: "email", to: user.email };
  if (user.phone && user.phoneVerifiedAt !== null) return { channel: "sms", to: user.phone };
  return null;
}

/**
 * A code sent to the account's `channel` came back: the account the prover is signed into.
 * If somebody else controls the account by other means, the prover did not choose what is
 * on it: the claim is dropped from it and the prover gets an account of their own, with
 * only the identifier they proved. Nobody is left in the dark (DESIGN.md: "the defences never
 * strand the real owner"): the result says the claim moved, so the door can tell the prover,
 * and the owner gets a notice on a channel they proved, queued in this transaction so it
 * goes out exactly when the move commits. Runs inside the caller's transaction.
 */
export async function proveClaim(ctx: AuthContext, user: User, channel: ClaimChannel, meta?: RequestMeta): Promise<Proven> {
  if (provenAt(user, channel) !== null || !(await controlledOtherwise(ctx, user, channel))) {
    return { user: await markProven(ctx, user, channel, meta) };
  }
  const value = valueOf(user, channel)!;
  const owner = await updateUser(ctx, user.id, channel === "email" ? { email: null } : { phone: null });
  const notice = provenContact(owner);
  // Not a failure: the rule worked. The owner's account is intact but for an identifier nobody had proven.
  await audit(ctx, { kind: "claim_dropped", userId: user.id, meta, detail: { channel, noticeBy: notice?.channel ?? null } });
  if (notice) {
    await queue(ctx, { channel: notice.channel, to: notice.to, purpose: "claim_removed", removed: channel, masked: maskDestination(value), minutes: 0 });
  }
  const now = ctx.now();
  const created = await createUser(ctx, channel === "email" ? { email: value, emailVerifiedAt: now } : { phone: value, phoneVerifiedAt: now });
  await audit(ctx, { kind: "signup", userId: created.id, meta, detail: { method: channel === "email" ? "email_code" : "phone_code", claimFrom: user.id } });
  await audit(ctx, { kind: channel === "email" ? "email_verified" : "phone_verified", userId: created.id, meta });
  return { user: created, claimMoved: channel };
}
