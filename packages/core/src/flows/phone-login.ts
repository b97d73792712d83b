import type { User } from "@authsvc/db";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, resendWaitSec } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { consumeLimit } from "../limits/rate-limit";
import { transaction } from "../transaction";
import { normalizePhone } from "../users/normalize";
import { createUser, findUserById, findUserByPhone, updateUser } from "../users/users";
import { issueToken, openSession, type SignedIn, type TokenRequest } from "./sign-in";

export interface PhoneCodeSent {
  /** The account the code is for; null when the number is unknown and nothing was sent. */
  user: User | null;
  phone: string;
  expiresAt: number;
  /** Seconds before a new code may be asked for. */
  resendInSec: number;
  /** The code itself, only while the dev outbox is on (family 001 documents it). */
  devCode?: string;
}

async function sendLoginCode(ctx: AuthContext, user: User, phone: string, meta?: RequestMeta, locale?: Locale): Promise<PhoneCodeSent> {
  const { challenge, code } = await sendCode(ctx, { purpose: "login", channel: "sms", destination: phone, userId: user.id, meta, locale });
  return {
    user,
    phone,
    expiresAt: challenge.expiresAt,
    resendInSec: resendWaitSec(ctx, "login", phone),
    ...(ctx.options.devOutbox ? { devCode: code } : {}),
  };
}

/**
 * Sends a login code by SMS. With `createIfMissing` an unknown number becomes an account
 * (family 000 and the web app); without it an unknown number gets the same answer and no
 * message (family 001).
 */
export async function requestPhoneCode(
  ctx: AuthContext,
  input: { phone: string; createIfMissing: boolean; role?: "customer" | "user" },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PhoneCodeSent> {
  const phone = normalizePhone(input.phone, ctx.options.defaultCountry);
  if (meta?.ip) consumeLimit(ctx, `code-ip:${meta.ip}`, ctx.options.limits.codeSendPerIp);
  let user = findUserByPhone(ctx, phone);
  if (!user && input.createIfMissing) {
    user = transaction(ctx, () => {
      const again = findUserByPhone(ctx, phone);
      if (again) return again;
      const created = createUser(ctx, { phone, role: input.role ?? "user" });
      audit(ctx, { kind: "signup", userId: created.id, meta, detail: { method: "phone_code" } });
      return created;
    });
  }
  const silent = (): PhoneCodeSent => ({
    user: null,
    phone,
    expiresAt: ctx.now() + ctx.options.code.ttlSec * 1000,
    resendInSec: ctx.options.code.cooldownSec,
  });
  if (!user || user.status === "DISABLED") return silent();
  try {
    return await sendLoginCode(ctx, user, phone, meta, locale);
  } catch (e) {
    // Without find-or-create an unknown number always "succeeds"; a known one inside its
    // cooldown must read the same, or the answer tells who has an account.
    const quiet = e instanceof AuthError && ["RESEND_COOLDOWN", "TOO_MANY_ATTEMPTS", "RATE_LIMITED"].includes(e.code);
    if (!input.createIfMissing && quiet) return silent();
    throw e;
  }
}

/** The id and the number must belong together (family 000 names both); USER_NOT_FOUND if not. */
export function assertPhoneBelongsTo(ctx: AuthContext, userId: number, phoneInput: string): User {
  let phone: string;
  try {
    phone = normalizePhone(phoneInput, ctx.options.defaultCountry);
  } catch {
    throw new AuthError("USER_NOT_FOUND");
  }
  const user = findUserById(ctx, userId);
  if (!user || user.phone !== phone || user.status === "DISABLED") throw new AuthError("USER_NOT_FOUND");
  return user;
}

/** Family 000's resend: the id and the number must belong together. */
export async function resendPhoneCode(
  ctx: AuthContext,
  input: { userId: number; phone: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PhoneCodeSent> {
  const user = assertPhoneBelongsTo(ctx, input.userId, input.phone);
  const phone = user.phone!;
  if (meta?.ip) consumeLimit(ctx, `code-ip:${meta.ip}`, ctx.options.limits.codeSendPerIp);
  return sendLoginCode(ctx, user, phone, meta, locale);
}

/** A right code signs in, proves the phone, and opens a session, in one transaction. */
export async function loginWithPhoneCode(
  ctx: AuthContext,
  input: { phone: string; code: string; userId?: number },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  const phone = normalizePhone(input.phone, ctx.options.defaultCountry);
  if (meta?.ip) consumeLimit(ctx, `login-ip:${meta.ip}`, ctx.options.limits.loginPerIp);
  const { user, session } = consumeCode(ctx, { purpose: "login", destination: phone, userId: input.userId, meta }, input.code, (c) => {
    let user = c.userId === null ? undefined : findUserById(ctx, c.userId);
    if (!user || user.status === "DISABLED") throw new AuthError("INVALID_CODE");
    if (user.phoneVerifiedAt === null) user = updateUser(ctx, user.id, { phoneVerifiedAt: ctx.now() });
    return { user, session: openSession(ctx, user, t, meta, "phone_code") };
  });
  return issueToken(ctx, user, session, t);
}
