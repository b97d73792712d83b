import type { User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, issueCode } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { assertPasswordPolicy, type PasswordBounds } from "../passwords/policy";
import { transaction } from "../transaction";
import { normalizeEmail, normalizePhone, normalizeUsername } from "../users/normalize";
import { markProven, proveClaim } from "../users/claims";
import { liftLockouts } from "../users/lockouts";
import { recordRegistrant, settleRegistrantChoices } from "../users/registrant";
import { assertAvailable, assertProfileText, createUser, findUserByEmail, findUserById } from "../users/users";
import { issueToken, openSession, withClaimMoved, type SignedIn, type TokenRequest } from "./sign-in";

export interface AccountInput {
  email?: string | null;
  phone?: string | null;
  username?: string | null;
  fullName?: string | null;
  birthDate?: string | null;
  password?: string | null;
  /** Length bounds of a door whose document fixes its own; the service's policy otherwise. */
  passwordBounds?: PasswordBounds;
}

/**
 * Creates a user at once (families 001 and 002). With a password and an email the account
 * waits for its email to be verified before a password login works, and the password lasts
 * through that proof only if the registering client proves it soon (users/registrant.ts).
 * Everything cheaper than the password's hash runs first: the per-address limit, then the
 * 409, so probing which emails are taken costs no hash (and answers as before).
 */
export async function createAccount(ctx: AuthContext, input: AccountInput, meta?: RequestMeta): Promise<User> {
  const email = input.email ? normalizeEmail(input.email) : null;
  const phone = input.phone ? normalizePhone(input.phone, ctx.options) : null;
  const username = input.username ? normalizeUsername(input.username) : null;
  if (!email && !phone) throw new AuthError("INVALID_INPUT", { field: "email" }, "An email or a phone number is needed.");
  assertProfileText({ fullName: input.fullName, birthDate: input.birthDate });
  if (input.password) assertPasswordPolicy(input.password, ctx.options.password, input.passwordBounds);
  await limitAddress(ctx, "signupPerIp", meta);
  await assertAvailable(ctx, { email, phone, username });
  const passwordHash = input.password ? await ctx.hasher.hash(input.password, ctx.options.argon2) : null;
  return transaction(ctx, async (tx) => {
    const user = await createUser(tx, {
      email,
      phone,
      username,
      fullName: input.fullName?.trim() || null,
      birthDate: input.birthDate ?? null,
      passwordHash,
      status: passwordHash && email ? "PENDING_VERIFICATION" : "ACTIVE",
    });
    if (passwordHash && email) await recordRegistrant(tx, user, meta);
    await audit(tx, { kind: "signup", userId: user.id, meta, detail: { method: passwordHash ? "password" : "phone" } });
    return user;
  });
}

/**
 * Sends an email verification code. Unknown and already verified addresses get the same
 * answer, cooldown and caps (a decoy code, nothing sent), and the message leaves after the
 * answer, so neither the answer nor its timing tells who has an account.
 */
export async function sendEmailVerification(
  ctx: AuthContext,
  emailInput: string,
  meta?: RequestMeta,
  locale?: Locale,
): Promise<{ resendInSec: number }> {
  const email = normalizeEmail(emailInput);
  await limitAddress(ctx, "codeSendPerIp", meta);
  const user = await findUserByEmail(ctx, email);
  if (!user || user.emailVerifiedAt !== null || user.status === "DISABLED") {
    const { resendInSec } = await issueCode(ctx, { purpose: "verify_email", channel: "email", destination: email, meta });
    return { resendInSec };
  }
  const { resendInSec } = await sendCode(ctx, {
    purpose: "verify_email",
    channel: "email",
    destination: email,
    userId: user.id,
    meta,
    locale,
    background: true,
  });
  return { resendInSec };
}

/**
 * Family 002's verify step: the code proves the email and signs the person in (see proveClaim
 * for whose account, and settleRegistrantChoices for what of the registration stays).
 */
export async function verifyEmailAndSignIn(
  ctx: AuthContext,
  input: { email: string; code: string },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  const { user, session, claimMoved } = await consumeCode(ctx, { purpose: "verify_email", destination: email, meta }, input.code, async (tx, c) => {
    const found = c.userId === null ? undefined : await findUserById(tx, c.userId);
    if (!found || found.status === "DISABLED" || found.email !== email) throw new AuthError("INVALID_CODE");
    // A password given at registration stays only for the registrant's own fresh proof.
    const { user, claimMoved } = await proveClaim(tx, await settleRegistrantChoices(tx, found, c, meta), "email", meta);
    await liftLockouts(tx, user, meta);
    return { user, claimMoved, session: await openSession(tx, user, t, meta, "email_code") };
  });
  return withClaimMoved(await issueToken(ctx, user, session, t), claimMoved);
}

/** A signed-in person asks for a code to prove their own email or phone. */
export async function sendContactVerification(
  ctx: AuthContext,
  user: User,
  channel: "email" | "phone",
  meta?: RequestMeta,
  locale?: Locale,
): Promise<{ expiresAt: number; resendInSec: number }> {
  const destination = channel === "email" ? user.email : user.phone;
  if (!destination) throw new AuthError("INVALID_INPUT", { field: channel }, `There is no ${channel} on this account.`);
  if ((channel === "email" ? user.emailVerifiedAt : user.phoneVerifiedAt) !== null) throw new AuthError("ALREADY_VERIFIED");
  await limitAddress(ctx, "codeSendPerIp", meta);
  const purpose = channel === "email" ? "verify_email" : "verify_phone";
  const { challenge, resendInSec } = await sendCode(ctx, {
    purpose,
    channel: channel === "email" ? "email" : "sms",
    destination,
    userId: user.id,
    meta,
    locale,
  });
  return { expiresAt: challenge.expiresAt, resendInSec };
}

/** The signed-in person proves their own contact: they hold the account, so it is theirs. */
export async function confirmContactVerification(
  ctx: AuthContext,
  user: User,
  channel: "email" | "phone",
  code: string,
  meta?: RequestMeta,
): Promise<User> {
  const destination = channel === "email" ? user.email : user.phone;
  if (!destination) throw new AuthError("INVALID_CODE");
  const purpose = channel === "email" ? "verify_email" : "verify_phone";
  return consumeCode(ctx, { purpose, destination, userId: user.id, meta }, code, (tx) => markProven(tx, user, channel, meta));
}
