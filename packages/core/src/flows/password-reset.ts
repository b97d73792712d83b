import { and, challenges, credentials, eq, isNull, opaqueTokens, users, type User } from "@authsvc/db";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import { deliver } from "../delivery/deliver";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { consumeLimit } from "../limits/rate-limit";
import { proveCurrentPassword } from "../passwords/check";
import { hashSecret } from "../passwords/hash";
import { assertPasswordPolicy } from "../passwords/policy";
import { requireSession, type Principal } from "../sessions/authenticate";
import { issueOpaqueToken, useOpaqueToken } from "../sessions/opaque-token";
import { revokeUserSessions } from "../sessions/sessions";
import { transaction } from "../transaction";
import { normalizeUsername } from "../users/normalize";
import { findUserByIdentifier, findUserByUsername } from "../users/users";
import { checkPin, isRecentlyAuthenticated } from "./pin";

const contactOf = (user: User): { channel: "email" | "sms"; to: string } | null =>
  user.email ? { channel: "email", to: user.email } : user.phone ? { channel: "sms", to: user.phone } : null;

async function sendResetCode(
  ctx: AuthContext,
  user: User,
  dest: { channel: "email" | "sms"; to: string },
  opts: { link: boolean; locale?: Locale; meta?: RequestMeta },
): Promise<void> {
  let link: string | undefined;
  if (opts.link && dest.channel === "email") {
    const { token } = issueOpaqueToken(ctx, { kind: "password_reset", userId: user.id, sessionId: null, ttlSec: ctx.options.resetLinkTtlSec });
    link = `${ctx.options.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  }
  await sendCode(ctx, {
    purpose: "password_reset",
    channel: dest.channel,
    destination: dest.to,
    userId: user.id,
    meta: opts.meta,
    locale: opts.locale,
    link,
  });
  audit(ctx, { kind: "password_reset_requested", userId: user.id, meta: opts.meta, detail: { channel: dest.channel } });
}

/**
 * Forgot password by email or phone: a code (and, by email, a link). Unknown accounts get
 * the same answer and nothing is sent.
 */
export async function requestPasswordReset(
  ctx: AuthContext,
  input: { identifier: string; link?: boolean },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<void> {
  if (meta?.ip) consumeLimit(ctx, `code-ip:${meta.ip}`, ctx.options.limits.codeSendPerIp);
  const { user } = findUserByIdentifier(ctx, input.identifier);
  if (!user || user.status === "DISABLED") return;
  const ident = input.identifier.includes("@") ? user.email : user.phone;
  if (!ident) return;
  const channel = ident === user.email ? "email" : "sms";
  try {
    await sendResetCode(ctx, user, { channel, to: ident }, { link: input.link ?? true, locale, meta });
  } catch (e) {
    // A cooldown would tell that the account exists; only delivery trouble is worth saying.
    if (e instanceof AuthError && e.code === "DELIVERY_FAILED") throw e;
  }
}

/** Family 004: customer number, account number and PIN must name one user. */
export async function requestPasswordResetByAccount(
  ctx: AuthContext,
  input: { customerNumber: number; accountNumber: string; pin: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<void> {
  if (meta?.ip) consumeLimit(ctx, `code-ip:${meta.ip}`, ctx.options.limits.codeSendPerIp);
  const user = ctx.db
    .select()
    .from(users)
    .where(and(eq(users.customerNumber, input.customerNumber), eq(users.accountNumber, input.accountNumber)))
    .get();
  const ok = (await checkPin(ctx, user, input.pin, meta)) === "ok";
  const dest = user && contactOf(user);
  if (!ok || !user || !dest || user.status === "DISABLED") {
    audit(ctx, { kind: "password_reset_requested", outcome: "fail", userId: user?.id ?? null, meta, detail: { via: "account" } });
    throw new AuthError("USER_NOT_FOUND");
  }
  await sendResetCode(ctx, user, dest, { link: false, locale, meta });
}

async function notifyPasswordChanged(ctx: AuthContext, user: User, locale?: Locale): Promise<void> {
  const dest = contactOf(user);
  if (!dest) return;
  try {
    await deliver(ctx, { channel: dest.channel, to: dest.to, purpose: "password_changed", minutes: 0, locale });
  } catch {
    // The password is changed either way; the notice is a courtesy.
  }
}

/** Stores the new hash and retires every outstanding reset code and link of the user. */
function storePassword(ctx: AuthContext, userId: number, passwordHash: string, meta: RequestMeta | undefined, how: string): void {
  const now = ctx.now();
  ctx.db.update(credentials).set({ passwordHash, passwordChangedAt: now }).where(eq(credentials.userId, userId)).run();
  ctx.db
    .update(opaqueTokens)
    .set({ usedAt: now })
    .where(and(eq(opaqueTokens.userId, userId), eq(opaqueTokens.kind, "password_reset"), isNull(opaqueTokens.usedAt)))
    .run();
  ctx.db
    .update(challenges)
    .set({ supersededAt: now })
    .where(and(eq(challenges.userId, userId), eq(challenges.purpose, "password_reset"), isNull(challenges.consumedAt), isNull(challenges.supersededAt)))
    .run();
  audit(ctx, { kind: "password_changed", userId, meta, detail: { how } });
}

/** A reset code and a new password: every session of the user is signed out. */
export async function resetPasswordWithCode(
  ctx: AuthContext,
  input: { identifier?: string; username?: string; code: string; newPassword: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<User> {
  let user: User | undefined;
  try {
    user = input.username ? findUserByUsername(ctx, normalizeUsername(input.username)) : findUserByIdentifier(ctx, input.identifier ?? "").user;
  } catch {
    user = undefined;
  }
  assertPasswordPolicy(input.newPassword, ctx.options.password);
  // By username (family 004) the document answers "Invalid username"; by email or phone
  // an unknown account must read exactly like a wrong code.
  if (!user) throw new AuthError(input.username ? "USER_NOT_FOUND" : "INVALID_CODE");
  const dest = input.username ? contactOf(user)?.to : input.identifier?.includes("@") ? user.email : user.phone;
  if (!dest) throw new AuthError("INVALID_CODE");
  const passwordHash = await hashSecret(input.newPassword, ctx.options.argon2);
  const found = user;
  try {
    consumeCode(ctx, { purpose: "password_reset", destination: dest, userId: found.id, meta }, input.code, () => {
      storePassword(ctx, found.id, passwordHash, meta, "reset_code");
      revokeUserSessions(ctx, found.id, "password_reset", { meta });
    });
  } catch (e) {
    // Tries left would tell a known account from an unknown one, which has none.
    if (!input.username && e instanceof AuthError && e.code === "INVALID_CODE") throw new AuthError("INVALID_CODE");
    throw e;
  }
  await notifyPasswordChanged(ctx, found, locale);
  return found;
}

/**
 * A new password for the signed-in person, or for the holder of a reset link. A link is
 * good once; after it every session is signed out, otherwise every other session.
 */
export async function changePassword(
  ctx: AuthContext,
  principal: Principal,
  input: { newPassword: string; currentPassword?: string; proof: "required" | "none" },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<void> {
  assertPasswordPolicy(input.newPassword, ctx.options.password);
  if (principal.scope === "full") {
    requireSession(principal);
    if (input.currentPassword !== undefined) await proveCurrentPassword(ctx, principal.user, input.currentPassword, meta);
    else if (input.proof === "required" && !isRecentlyAuthenticated(ctx, principal)) throw new AuthError("REAUTH_REQUIRED");
  }
  const passwordHash = await hashSecret(input.newPassword, ctx.options.argon2);
  transaction(ctx, () => {
    if (principal.scope === "password_reset" && (!principal.tokenId || !useOpaqueToken(ctx, principal.tokenId))) {
      throw new AuthError("UNAUTHORIZED");
    }
    storePassword(ctx, principal.user.id, passwordHash, meta, principal.scope === "password_reset" ? "reset_link" : "change");
    revokeUserSessions(ctx, principal.user.id, principal.scope === "password_reset" ? "password_reset" : "password_changed", {
      exceptId: principal.session?.id,
      meta,
    });
  });
  await notifyPasswordChanged(ctx, principal.user, locale);
}
