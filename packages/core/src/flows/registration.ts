import type { Challenge } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, findChallenge, resendWaitOf } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { hashSecret } from "../passwords/hash";
import { assertPasswordPolicy } from "../passwords/policy";
import { normalizeEmail, normalizePhone, normalizeUsername } from "../users/normalize";
import { assertAvailable, assertProfileText, createUser, findUserByEmail } from "../users/users";
import { issueToken, openSession, type SignedIn, type TokenRequest } from "./sign-in";

export interface RegistrationInput {
  email: string;
  password: string;
  username?: string | null;
  phone?: string | null;
  fullName?: string | null;
  birthDate?: string | null;
  bio?: string | null;
  pictureUrl?: string | null;
}

interface PendingPayload {
  email: string;
  username: string | null;
  phone: string | null;
  fullName: string | null;
  birthDate: string | null;
  bio: string | null;
  pictureUrl: string | null;
  /** Null once the registration was resent to whoever asked by email (see resendRegistration). */
  passwordHash: string | null;
}

export interface PendingRegistration {
  verificationId: string;
  email: string;
  expiresAt: number;
  /** Seconds the code stays good. */
  expiresInSec: number;
  /** Seconds before a new code may be asked for. */
  resendInSec: number;
}

async function pendingOf(ctx: AuthContext, c: Challenge): Promise<PendingRegistration> {
  return {
    verificationId: c.id,
    email: c.destination,
    expiresAt: c.expiresAt,
    expiresInSec: Math.max(0, Math.ceil((c.expiresAt - ctx.now()) / 1000)),
    resendInSec: await resendWaitOf(ctx, c),
  };
}

async function sendRegistrationCode(
  ctx: AuthContext,
  payload: PendingPayload,
  meta: RequestMeta | undefined,
  locale: Locale | undefined,
  opts: { fresh: boolean },
): Promise<PendingRegistration> {
  const { challenge } = await sendCode(ctx, {
    purpose: "signup",
    channel: "email",
    destination: payload.email,
    payload: { ...payload },
    meta,
    locale,
    cooldown: !opts.fresh,
  });
  // Only the newest registration of an email can complete; the older ones keep no data (nor hash).
  await ctx.store.challenges.dropSignupPayloads(payload.email, challenge.id);
  return pendingOf(ctx, challenge);
}

/**
 * Starts a sign-up that creates no user until the emailed code comes back (family 003 and
 * the web app). The password is hashed now and kept with the pending registration. A new
 * registration of an email replaces a pending one: whoever registered first cannot keep
 * the owner from registering, and only the holder of the newest verificationId completes.
 */
export async function startRegistration(
  ctx: AuthContext,
  input: RegistrationInput,
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PendingRegistration> {
  const email = normalizeEmail(input.email);
  const phone = input.phone ? normalizePhone(input.phone, ctx.options) : null;
  const username = input.username ? normalizeUsername(input.username) : null;
  assertProfileText({ fullName: input.fullName, birthDate: input.birthDate, bio: input.bio, pictureUrl: input.pictureUrl });
  assertPasswordPolicy(input.password, ctx.options.password);
  // Counted before the 409, so probing which emails are taken costs the same as signing up.
  await limitAddress(ctx, "signupPerIp", meta);
  await assertAvailable(ctx, { email, phone, username });
  const passwordHash = await hashSecret(input.password, ctx.options.argon2);
  return sendRegistrationCode(
    ctx,
    {
      email,
      username,
      phone,
      fullName: input.fullName?.trim() || null,
      birthDate: input.birthDate ?? null,
      bio: input.bio ?? null,
      pictureUrl: input.pictureUrl ?? null,
      passwordHash,
    },
    meta,
    locale,
    { fresh: true },
  );
}

export type RegistrationStatus =
  | { state: "pending"; email: string; expiresInSec: number; resendInSec: number }
  | { state: "verified"; email: string };

export async function registrationStatus(ctx: AuthContext, verificationId: string): Promise<RegistrationStatus> {
  const c = await findChallenge(ctx, verificationId);
  if (!c || c.purpose !== "signup") throw new AuthError("VERIFICATION_NOT_FOUND");
  if (c.consumedAt !== null) return { state: "verified", email: c.destination };
  if (c.supersededAt !== null || c.expiresAt <= ctx.now()) throw new AuthError("VERIFICATION_EXPIRED");
  const { expiresInSec, resendInSec } = await pendingOf(ctx, c);
  return { state: "pending", email: c.destination, expiresInSec, resendInSec };
}

/**
 * A new code and a new verificationId for a pending registration; the old code dies.
 *
 * By `verificationId` (the web app): only the registrant was handed that id, so the
 * registration stays as they made it. By `email` (family 003's documented resend): anyone
 * may ask, and the code goes to the email's owner, who may not be the registrant; so what
 * the registrant chose that would let them in later (the password, and the phone as a
 * claim) is not installed: the person who completes it sets their own password.
 */
export async function resendRegistration(
  ctx: AuthContext,
  by: { email: string } | { verificationId: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PendingRegistration> {
  const pending =
    "verificationId" in by ? await findChallenge(ctx, by.verificationId) : await ctx.store.challenges.latest("signup", normalizeEmail(by.email));
  // Only the newest registration counts: once it is verified or replaced there is nothing to resend.
  if (!pending?.payload || pending.purpose !== "signup" || pending.consumedAt !== null || (await findUserByEmail(ctx, pending.destination))) {
    throw new AuthError("VERIFICATION_NOT_FOUND");
  }
  const payload = pending.payload as unknown as PendingPayload;
  const kept = "verificationId" in by ? payload : { ...payload, passwordHash: null, phone: null };
  return sendRegistrationCode(ctx, kept, meta, locale, { fresh: false });
}

/** Checks the code and creates the user and its first session, all in one transaction. */
export async function completeRegistration(
  ctx: AuthContext,
  input: { verificationId: string; code: string },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  const { user, session } = await consumeCode(ctx, { purpose: "signup", challengeId: input.verificationId, meta }, input.code, async (tx, c) => {
      const p = c.payload as unknown as PendingPayload;
      const user = await createUser(tx, {
        email: p.email,
        phone: p.phone,
        username: p.username,
        fullName: p.fullName,
        birthDate: p.birthDate,
        bio: p.bio,
        pictureUrl: p.pictureUrl,
        passwordHash: p.passwordHash,
        emailVerifiedAt: tx.now(),
      });
      // The pending data (with its password hash) has done its job: keep no copy of it.
      await tx.store.challenges.dropSignupPayloads(c.destination);
      await audit(tx, { kind: "signup", userId: user.id, meta, detail: { method: "email_code" } });
      return { user, session: await openSession(tx, user, t, meta, "signup") };
  });
  return issueToken(ctx, user, session, t);
}
