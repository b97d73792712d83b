/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): registered on the account page, used to
 * sign in with no username (discoverable credentials, user verification required), as the
 * second step of a sign-in, and as step-up.
 *
 * Each ceremony's challenge is a challenge row (purpose `webauthn`): single-use (consumed
 * before the response is checked), short-lived, and for one account where the ceremony is
 * for one (registration, a second step, step-up), so instances on one database serve a
 * ceremony between them and a response answers only the ceremony it was made for.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { SecondFactor, User } from "@authsvc/store";
import { CredentialTaken } from "@authsvc/store";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { hmac } from "../crypto/secrets";
import { AuthError } from "../errors";
import { batch } from "../transaction";
import { findUserById } from "../users/users";
import { writeStepChallenge } from "./step-challenge";

type Ceremony = "register" | "authenticate";

/** A ceremony's wait for the authenticator: long enough to find a phone, short enough to be no standing invitation. */
const CEREMONY_TTL_MS = 5 * 60_000;
/** Longer than any credential id an authenticator makes (the spec caps them at 1,023 bytes). */
const CREDENTIAL_ID_MAX = 1400;

export interface CeremonyStart<O> {
  ceremonyId: string;
  options: O;
}

export interface PasskeyAssertion {
  ceremonyId: string;
  response: AuthenticationResponseJSON;
}

function relyingParty(ctx: AuthContext) {
  const rp = ctx.options.webauthn;
  if (rp.unavailable) throw new AuthError("PASSKEYS_UNAVAILABLE", {}, `Passkeys are not available on this site: ${rp.unavailable}.`);
  return rp;
}

/**
 * The WebAuthn user handle of an account: opaque (no id, name or email in it), the same for
 * every passkey of the account, so a response can be checked against the credential's owner.
 */
export const userHandle = (ctx: AuthContext, userId: number): string =>
  createHmac("sha256", ctx.keys.factor).update(`webauthn-user:${userId}`).digest().subarray(0, 16).toString("base64url");

async function newCeremony(ctx: AuthContext, kind: Ceremony, userId: number | null, challenge: string, meta?: RequestMeta): Promise<string> {
  const id = randomUUID();
  await writeStepChallenge(
    ctx,
    {
      id,
      userId,
      purpose: "webauthn",
      destination: `webauthn:${kind}`,
      codeHash: hmac(ctx.keys.factor, `webauthn:${id}:${challenge}`),
      expiresAt: ctx.now() + CEREMONY_TTL_MS,
      attemptsLeft: 1,
      payload: { kind, challenge },
    },
    meta,
  );
  return id;
}

/**
 * The challenge of a live ceremony of this kind (and account), consumed: a response is checked
 * once, right or wrong, so a captured response cannot be played again.
 */
async function takeCeremony(ctx: AuthContext, id: string, kind: Ceremony, userId: number | null): Promise<string> {
  const c = id.length <= 64 ? await ctx.store.challenges.byId(id) : undefined;
  const payload = c?.payload as { kind?: string; challenge?: string } | null | undefined;
  if (!c || c.purpose !== "webauthn" || payload?.kind !== kind || typeof payload.challenge !== "string" || c.userId !== userId) {
    throw new AuthError("PASSKEY_REFUSED");
  }
  if (c.expiresAt <= ctx.now() || !(await ctx.store.challenges.consume(c.id, ctx.now()))) throw new AuthError("PASSKEY_REFUSED");
  return payload.challenge;
}

const passkeysOf = async (ctx: AuthContext, userId: number): Promise<SecondFactor[]> =>
  (await ctx.store.factors.listOfUser(userId)).filter((f) => f.kind === "passkey" && f.confirmedAt !== null && f.credentialId !== null);

const descriptor = (f: SecondFactor) => ({ id: f.credentialId!, ...(f.transports ? { transports: f.transports as never } : {}) });

/** Options for a new passkey on the account; its existing ones are excluded (one per authenticator). */
export async function registrationOptions(ctx: AuthContext, user: User, meta?: RequestMeta): Promise<CeremonyStart<PublicKeyCredentialCreationOptionsJSON>> {
  const rp = relyingParty(ctx);
  const name = user.email ?? user.username ?? user.phone ?? `user ${user.id}`;
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: name,
    userDisplayName: user.fullName ?? name,
    userID: Buffer.from(userHandle(ctx, user.id), "base64url"),
    attestationType: "none",
    excludeCredentials: (await passkeysOf(ctx, user.id)).map(descriptor),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  return { ceremonyId: await newCeremony(ctx, "register", user.id, options.challenge, meta), options };
}

/** The new passkey, verified against its ceremony; not yet stored. */
export async function verifiedRegistration(
  ctx: AuthContext,
  user: User,
  input: { ceremonyId: string; response: RegistrationResponseJSON },
): Promise<Omit<SecondFactor, "id" | "userId" | "name" | "createdAt" | "confirmedAt" | "lastUsedAt">> {
  const rp = relyingParty(ctx);
  const challenge = await takeCeremony(ctx, input.ceremonyId, "register", user.id);
  let info;
  try {
    const result = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
    });
    info = result.verified ? result.registrationInfo : undefined;
  } catch {
    info = undefined;
  }
  if (!info || info.credential.id.length > CREDENTIAL_ID_MAX) throw new AuthError("PASSKEY_REFUSED");
  return {
    kind: "passkey",
    secret: null,
    lastStep: null,
    credentialId: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
    signCount: info.credential.counter,
    transports: info.credential.transports ?? null,
    backedUp: info.credentialBackedUp,
    multiDevice: info.credentialDeviceType === "multiDevice",
  };
}

/** Stores a verified passkey; a credential another factor holds is refused. */
export async function storePasskey(
  ctx: AuthContext,
  userId: number,
  verified: Awaited<ReturnType<typeof verifiedRegistration>>,
  name: string,
): Promise<SecondFactor> {
  const now = ctx.now();
  try {
    return await ctx.store.factors.insert({ ...verified, userId, name, createdAt: now, confirmedAt: now });
  } catch (err) {
    if (err instanceof CredentialTaken) throw new AuthError("PASSKEY_REFUSED", {}, "That passkey is already registered.");
    throw err;
  }
}

/**
 * Options to sign in or prove it is you with a passkey. For an account (a second step,
 * step-up): that account's passkeys only. For nobody (a sign-in with no username): any
 * discoverable passkey of this site, which the browser may offer as autofill.
 */
export async function assertionOptions(ctx: AuthContext, userId: number | null, meta?: RequestMeta): Promise<CeremonyStart<PublicKeyCredentialRequestOptionsJSON>> {
  const rp = relyingParty(ctx);
  const allow = userId === null ? [] : (await passkeysOf(ctx, userId)).map(descriptor);
  if (userId !== null && allow.length === 0) throw new AuthError("FACTOR_NOT_FOUND", {}, "This account has no passkey.");
  const options = await generateAuthenticationOptions({ rpID: rp.rpId, userVerification: "required", allowCredentials: allow });
  return { ceremonyId: await newCeremony(ctx, "authenticate", userId, options.challenge, meta), options };
}

/** What an assertion names, read before any signature is checked: its ceremony's challenge (now spent) and its passkey. */
interface AssertionRead {
  challenge: string;
  factor: SecondFactor;
}

const refusal = async (ctx: AuthContext, userId: number | null, meta: RequestMeta | undefined, reason: string) => {
  await audit(ctx, { kind: "login_failed", outcome: "fail", userId, meta, detail: { method: "passkey", reason } });
  return new AuthError("PASSKEY_REFUSED");
};

/**
 * Store work first (it may share a commit with the caller's other writes): the ceremony, for
 * `userId` or for nobody, is consumed, and the passkey the response names is found. Anything
 * amiss is PASSKEY_REFUSED, one answer for every reason.
 */
async function readAssertion(ctx: AuthContext, input: PasskeyAssertion, userId: number | null, meta?: RequestMeta): Promise<AssertionRead> {
  relyingParty(ctx);
  const challenge = await takeCeremony(ctx, input.ceremonyId, "authenticate", userId);
  const credentialId = typeof input.response?.id === "string" && input.response.id.length <= CREDENTIAL_ID_MAX ? input.response.id : "";
  const f = credentialId ? await ctx.store.factors.byCredentialId(credentialId) : undefined;
  if (!f || f.kind !== "passkey" || f.confirmedAt === null || !f.publicKey) throw await refusal(ctx, f?.userId ?? null, meta, "unknown_credential");
  if (userId !== null && f.userId !== userId) throw await refusal(ctx, f.userId, meta, "another_account");
  const handle = input.response.response?.userHandle;
  if (handle && handle !== userHandle(ctx, f.userId)) throw await refusal(ctx, f.userId, meta, "user_handle");
  return { challenge, factor: f };
}

/** The signature, origin, RP id, user verification and counter, by the library: its report, or PASSKEY_REFUSED. */
async function checkAssertion(ctx: AuthContext, read: AssertionRead, input: PasskeyAssertion, meta?: RequestMeta) {
  const rp = relyingParty(ctx);
  const f = read.factor;
  try {
    const result = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: read.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      credential: { id: f.credentialId!, publicKey: Buffer.from(f.publicKey!, "base64url"), counter: f.signCount, transports: (f.transports ?? undefined) as never },
      requireUserVerification: true,
    });
    if (result.verified) return result.authenticationInfo;
  } catch {
    // Refused below, with every other reason.
  }
  throw await refusal(ctx, f.userId, meta, "signature");
}

/** Records the passkey's use (its new counter and backup state); the account it proves, if it may sign in. */
async function recordAssertion(
  ctx: AuthContext,
  f: SecondFactor,
  info: Awaited<ReturnType<typeof checkAssertion>>,
  meta?: RequestMeta,
): Promise<User> {
  await ctx.store.factors.usePasskey(f.id, info.newCounter, info.credentialBackedUp, ctx.now());
  const user = await findUserById(ctx, f.userId);
  if (!user || user.status === "DISABLED") throw await refusal(ctx, f.userId, meta, "account");
  return user;
}

/** Store work a caller adds around an assertion's own, to share its commits. */
export interface AssertionSteps<T> {
  /** Before the ceremony is read (a sign-in's count of the address). */
  before?(b: AuthContext): Promise<void>;
  /** With the account proved, after its passkey's use is recorded (a sign-in's session). */
  after(b: AuthContext, user: User): Promise<T>;
}

/**
 * The three steps above in a row, for `userId` or for nobody, with the caller's own store work
 * before and after. The signature check is no store work, so the store work either side of
 * it is one batch each: two commits on SQLite for the whole of a passkey sign-in.
 */
export async function withVerifiedAssertion<T>(
  ctx: AuthContext,
  input: PasskeyAssertion,
  userId: number | null,
  meta: RequestMeta | undefined,
  steps: AssertionSteps<T>,
): Promise<T> {
  const read = await batch(ctx, async (b) => {
    await steps.before?.(b);
    return readAssertion(b, input, userId, meta);
  });
  const info = await checkAssertion(ctx, read, input, meta);
  return batch(ctx, async (b) => steps.after(b, await recordAssertion(b, read.factor, info, meta)));
}

/** The account a passkey assertion proves (for `userId`, or for nobody). */
export const verifiedAssertion = (ctx: AuthContext, input: PasskeyAssertion, userId: number | null, meta?: RequestMeta): Promise<User> =>
  withVerifiedAssertion(ctx, input, userId, meta, { after: async (_b, user) => user });

/** Whether the assertion proves `userId` (a second step, step-up): a refusal is audited and answers false. */
export const acceptPasskey = (ctx: AuthContext, input: PasskeyAssertion, userId: number, meta?: RequestMeta): Promise<boolean> =>
  verifiedAssertion(ctx, input, userId, meta).then(
    () => true,
    () => false,
  );
