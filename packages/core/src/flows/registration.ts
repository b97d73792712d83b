import type { Challenge } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, findChallenge, resendWaitOf } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { assertPasswordPolicy } from "../passwords/policy";
import { normalizeEmail, normalizePhone, normalizeUsername } from "../users/normalize";
import { clientOf, isFresh } from "../users/registrant";
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
  /** The registering client (users/registrant.ts `clientOf`); absent in registrations made before it was kept. */
  from?: string;
  /** When it was registered: a resend keeps it, so resending never makes a registration fresh again. */
  registeredAt?: number;
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

/**
 * Sends the code of a pending registration. Registrations of one email are independent
 * (supersede: false): a stranger's never cancels yours. A resend keeps the cooldown, and
 * names the registration it replaces (`replaces`), if any: that one alone stops working,
 * once the new code is out.
 */
async function sendRegistrationCode(
  ctx: AuthContext,
  payload: PendingPayload,
  meta: RequestMeta | undefined,
  locale: Locale | undefined,
  opts: { resend: boolean; replaces?: string },
): Promise<PendingRegistration> {
  const { challenge } = await sendCode(ctx, {
    purpose: "signup",
    channel: "email",
    destination: payload.email,
    payload: { ...payload },
    meta,
    locale,
    cooldown: opts.resend,
    supersede: false,
  });
  if (opts.replaces !== undefined && !(await ctx.store.challenges.supersede(opts.replaces, ctx.now()))) {
    // Completed or replaced meanwhile (a concurrent verify or resend): this resend is void.
    await ctx.store.challenges.supersede(challenge.id, ctx.now());
    throw new AuthError("VERIFICATION_NOT_FOUND");
  }
  return pendingOf(ctx, challenge);
}

/**
 * Starts a sign-up that creates no user until the emailed code comes back (family 003 and
 * the web app). The password is hashed now and kept with the pending registration. Pending
 * registrations of one email are independent: each has its own verificationId and code, a
 * stranger's registration never cancels the owner's, and the first one proven wins (the
 * others then answer as expired).
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
  const passwordHash = await ctx.hasher.hash(input.password, ctx.options.argon2);
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
      from: clientOf(ctx, meta),
      registeredAt: ctx.now(),
    },
    meta,
    locale,
    { resend: false },
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

/** What a registration keeps when the registrant's choices go: the email alone. */
const stripped = (payload: PendingPayload, from: string, now: number): PendingPayload => ({
  email: payload.email,
  username: null,
  phone: null,
  fullName: null,
  birthDate: null,
  bio: null,
  pictureUrl: null,
  passwordHash: null,
  from,
  registeredAt: now,
});

/**
 * A new code and a new verificationId for a pending registration.
 *
 * By `verificationId` (the web app): only the registrant was handed that id, so the
 * registration stays as they made it, and the old id stops working.
 *
 * By `email` (family 003's documented resend): anyone may ask, and the code goes to the
 * email's owner, who may not be the registrant. It looks at the newest pending registration
 * of the email (docs/decisions.md, "Pending registrations"):
 * - made by the asking client (same address group): the resend replaces it (its old id
 *   stops working); what the registrant chose (password, username, names, birth date, bio,
 *   picture, phone) stays only while the registration is fresh (users/registrant.ts);
 * - made by anyone else: it is left alone, and the asker gets a registration of their own
 *   that carries the email only, so a stranger's resend neither cancels the registrant's
 *   nor hands the email's owner what the registrant chose. Whoever completes it sets their
 *   own password.
 */
export async function resendRegistration(
  ctx: AuthContext,
  by: { email: string } | { verificationId: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PendingRegistration> {
  const pending =
    "verificationId" in by ? await findChallenge(ctx, by.verificationId) : await ctx.store.challenges.latest("signup", normalizeEmail(by.email));
  // Once verified or replaced there is nothing to resend (both drop the pending data).
  if (
    !pending?.payload ||
    pending.purpose !== "signup" ||
    pending.consumedAt !== null ||
    pending.supersededAt !== null ||
    (await findUserByEmail(ctx, pending.destination))
  ) {
    throw new AuthError("VERIFICATION_NOT_FOUND");
  }
  const payload = pending.payload as unknown as PendingPayload;
  if ("verificationId" in by) return sendRegistrationCode(ctx, payload, meta, locale, { resend: true, replaces: pending.id });
  const now = ctx.now();
  const from = clientOf(ctx, meta);
  if (payload.from !== from) return sendRegistrationCode(ctx, stripped(payload, from, now), meta, locale, { resend: true });
  const fresh = payload.registeredAt !== undefined && isFresh(ctx, payload.registeredAt, now);
  return sendRegistrationCode(ctx, fresh ? payload : stripped(payload, from, now), meta, locale, { resend: true, replaces: pending.id });
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
      // The first proven wins: the other pending registrations of the email are over, and the
      // pending data (with its password hashes) has done its job: keep no copy of it.
      await tx.store.challenges.supersedeLive("signup", c.destination, tx.now());
      await tx.store.challenges.dropSignupPayloads(c.destination);
      await audit(tx, { kind: "signup", userId: user.id, meta, detail: { method: "email_code" } });
      // The code proved the email as the account was made.
      await audit(tx, { kind: "email_verified", userId: user.id, meta });
      return { user, session: await openSession(tx, user, t, meta, "signup") };
  });
  return issueToken(ctx, user, session, t);
}
