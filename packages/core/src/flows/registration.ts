import { and, challenges, desc, eq, isNull } from "@authsvc/db";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, findChallenge, resendWaitSec } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { consumeLimit } from "../limits/rate-limit";
import { hashSecret } from "../passwords/hash";
import { assertPasswordPolicy } from "../passwords/policy";
import { transaction } from "../transaction";
import { normalizeEmail, normalizePhone, normalizeUsername } from "../users/normalize";
import { assertAvailable, createUser, findUserByEmail } from "../users/users";
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
  passwordHash: string;
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

function pendingOf(ctx: AuthContext, c: { id: string; destination: string; expiresAt: number }): PendingRegistration {
  return {
    verificationId: c.id,
    email: c.destination,
    expiresAt: c.expiresAt,
    expiresInSec: Math.max(0, Math.ceil((c.expiresAt - ctx.now()) / 1000)),
    resendInSec: resendWaitSec(ctx, "signup", c.destination),
  };
}

async function sendRegistrationCode(
  ctx: AuthContext,
  payload: PendingPayload,
  meta: RequestMeta | undefined,
  locale: Locale | undefined,
): Promise<PendingRegistration> {
  const { challenge } = await sendCode(ctx, { purpose: "signup", channel: "email", destination: payload.email, payload: { ...payload }, meta, locale });
  return pendingOf(ctx, challenge);
}

/**
 * Starts a sign-up that creates no user until the emailed code comes back (family 003 and
 * the web app). The password is hashed now and kept with the pending registration.
 */
export async function startRegistration(
  ctx: AuthContext,
  input: RegistrationInput,
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PendingRegistration> {
  const email = normalizeEmail(input.email);
  const phone = input.phone ? normalizePhone(input.phone, ctx.options.defaultCountry) : null;
  const username = input.username ? normalizeUsername(input.username) : null;
  assertPasswordPolicy(input.password, ctx.options.password);
  assertAvailable(ctx, { email, phone, username });
  if (meta?.ip) consumeLimit(ctx, `signup-ip:${meta.ip}`, ctx.options.limits.signupPerIp);
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
  );
}

export type RegistrationStatus =
  | { state: "pending"; email: string; expiresInSec: number }
  | { state: "verified"; email: string };

export function registrationStatus(ctx: AuthContext, verificationId: string): RegistrationStatus {
  const c = findChallenge(ctx, verificationId);
  if (!c || c.purpose !== "signup") throw new AuthError("VERIFICATION_NOT_FOUND");
  if (c.consumedAt !== null) return { state: "verified", email: c.destination };
  if (c.supersededAt !== null || c.expiresAt <= ctx.now()) throw new AuthError("VERIFICATION_EXPIRED");
  return { state: "pending", email: c.destination, expiresInSec: pendingOf(ctx, c).expiresInSec };
}

/** A new code and a new verificationId for the latest pending registration; the old code dies. */
export async function resendRegistration(
  ctx: AuthContext,
  emailInput: string,
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PendingRegistration> {
  const email = normalizeEmail(emailInput);
  const pending = ctx.db
    .select()
    .from(challenges)
    .where(and(eq(challenges.purpose, "signup"), eq(challenges.destination, email)))
    .orderBy(desc(challenges.createdAt))
    .get();
  // Only the latest registration counts: once it is verified there is nothing to resend.
  if (!pending?.payload || pending.consumedAt !== null || findUserByEmail(ctx, email)) throw new AuthError("VERIFICATION_NOT_FOUND");
  return sendRegistrationCode(ctx, pending.payload as unknown as PendingPayload, meta, locale);
}

/** Checks the code and creates the user and its first session, all in one transaction. */
export async function completeRegistration(
  ctx: AuthContext,
  input: { verificationId: string; code: string },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  const { user, session } = consumeCode(ctx, { purpose: "signup", challengeId: input.verificationId, meta }, input.code, (c) =>
    transaction(ctx, () => {
      const p = c.payload as unknown as PendingPayload;
      const user = createUser(ctx, {
        email: p.email,
        phone: p.phone,
        username: p.username,
        fullName: p.fullName,
        birthDate: p.birthDate,
        bio: p.bio,
        pictureUrl: p.pictureUrl,
        passwordHash: p.passwordHash,
        emailVerifiedAt: ctx.now(),
      });
      // The pending data (with its password hash) has done its job: keep no copy of it.
      ctx.db
        .update(challenges)
        .set({ payload: null })
        .where(and(eq(challenges.purpose, "signup"), eq(challenges.destination, c.destination)))
        .run();
      audit(ctx, { kind: "signup", userId: user.id, meta, detail: { method: "email_code" } });
      return { user, session: openSession(ctx, user, t, meta, "signup") };
    }),
  );
  return issueToken(ctx, user, session, t);
}
