/**
 * An account's second factors, by their holder (and by an admin): the authenticator app's
 * enrolment, the list, removal, and recovery codes. Every change needs step-up, is audited,
 * and tells the owner (notices.ts). Recovery codes exist while the account has a factor: made
 * with the first one, deleted with the last.
 */
import type { SecondFactor, User } from "@authsvc/store";
import { requireAdmin } from "../admin/admin";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { FACTOR_NAME_MAX_LENGTH } from "../vocabulary";
import { requireSession, type Principal } from "../sessions/authenticate";
import { transaction } from "../transaction";
import { findUserById, isUserId } from "../users/users";
import { notifyOwner } from "./notices";
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from "./recovery-codes";
import { requireRecentProof } from "./step-up";
import { spendTotpCode } from "./second-step";
import { newTotpSecret, sealSecret, totpUri } from "./totp";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { registrationOptions, storePasskey, verifiedRegistration } from "./passkeys";

/** A factor as its holder (or an admin) sees it: never its secret. */
export interface FactorView {
  id: number;
  kind: SecondFactor["kind"];
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** Passkeys: synced (backed up) by their provider. */
  backedUp: boolean;
}

export interface FactorsView {
  factors: FactorView[];
  recoveryCodesLeft: number;
}


/** A factor id no row can have (factor ids are stored in the same integer range as user ids) finds nothing. */
const findFactor = (ctx: AuthContext, id: number): Promise<SecondFactor | undefined> =>
  isUserId(id) ? ctx.store.factors.byId(id) : Promise.resolve(undefined);

const view = (f: SecondFactor): FactorView => ({
  id: f.id,
  kind: f.kind,
  name: f.name,
  createdAt: f.createdAt,
  lastUsedAt: f.lastUsedAt,
  backedUp: f.backedUp,
});

async function factorsOf(ctx: AuthContext, userId: number): Promise<FactorsView> {
  const all = await ctx.store.factors.listOfUser(userId);
  return { factors: all.filter((f) => f.confirmedAt !== null).map(view), recoveryCodesLeft: await ctx.store.factors.recoveryCodesLeft(userId) };
}

export function listFactors(ctx: AuthContext, principal: Principal): Promise<FactorsView> {
  return factorsOf(ctx, requireSession(principal).user.id);
}

function cleanName(name: string | undefined, fallback: string): string {
  // Control characters (NUL among them) and lone surrogates: no name has them, and not every engine can store them.
  if (name !== undefined && /[\p{Cc}\p{Cs}]/u.test(name)) throw new AuthError("INVALID_INPUT", { field: "name" }, "A name cannot contain control characters.");
  const trimmed = (name ?? "").trim().replace(/\s+/g, " ");
  if (trimmed.length > FACTOR_NAME_MAX_LENGTH) throw new AuthError("INVALID_INPUT", { field: "name" }, `A name is at most ${FACTOR_NAME_MAX_LENGTH} characters.`);
  return trimmed || fallback;
}

/** Writes new recovery codes (replacing any) and returns them in clear, the only time they are. */
async function makeRecoveryCodes(ctx: AuthContext, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes(ctx.options.secondFactor.recoveryCodes);
  const hashes = codes.map((c) => recoveryCodeHash(ctx.keys.factor, normalizeRecoveryCode(c)!));
  await ctx.store.factors.replaceRecoveryCodes(userId, hashes, ctx.now());
  return codes;
}

/**
 * Starts an authenticator-app enrolment: a new secret, to show as a QR code (`uri`) and as
 * text (`secret`). It counts for nothing until `confirmTotp` gets a first code from it; a new
 * start replaces an enrolment left unconfirmed.
 */
export async function startTotp(
  ctx: AuthContext,
  principal: Principal,
  input: { name?: string },
): Promise<{ factorId: number; secret: string; uri: string; expiresAt: number }> {
  const p = requireSession(principal);
  requireRecentProof(ctx, p.session);
  const name = cleanName(input.name, "Authenticator app");
  const secret = newTotpSecret();
  const now = ctx.now();
  const factor = await transaction(ctx, async (tx) => {
    await tx.store.factors.removeUnconfirmed(p.user.id);
    return tx.store.factors.insert({
      userId: p.user.id,
      kind: "totp",
      name,
      secret: sealSecret(ctx.keys.factorSeal, p.user.id, secret),
      lastStep: null,
      credentialId: null,
      publicKey: null,
      signCount: 0,
      transports: null,
      backedUp: false,
      multiDevice: false,
      createdAt: now,
      confirmedAt: null,
    });
  });
  const label = p.user.email ?? p.user.username ?? p.user.phone ?? `user ${p.user.id}`;
  return { factorId: factor.id, secret, uri: totpUri(secret, ctx.options.secondFactor.issuerName, label), expiresAt: now + ctx.options.secondFactor.enrolmentTtlSec * 1000 };
}

/**
 * Confirms an enrolment with a first code from the app. The account's first factor comes with
 * its recovery codes, returned here once.
 */
export async function confirmTotp(
  ctx: AuthContext,
  principal: Principal,
  input: { factorId: number; code: string },
  meta?: RequestMeta,
): Promise<{ factor: FactorView; recoveryCodes: string[] | null }> {
  const p = requireSession(principal);
  const f = await findFactor(ctx, input.factorId);
  const now = ctx.now();
  if (!f || f.userId !== p.user.id || f.kind !== "totp" || f.confirmedAt !== null || !f.secret) throw new AuthError("FACTOR_NOT_FOUND");
  if (f.createdAt + ctx.options.secondFactor.enrolmentTtlSec * 1000 <= now) throw new AuthError("CODE_EXPIRED", {}, "This enrolment has expired. Start again.");
  const step = await spendTotpCode(ctx, f, input.code);
  if (step === null) throw new AuthError("INVALID_CODE");
  const recoveryCodes = await transaction(ctx, async (tx) => {
    const hadFactor = (await tx.store.factors.confirmedKinds(p.user.id)).length > 0;
    if (!(await tx.store.factors.confirm(f.id, p.user.id, now))) throw new AuthError("FACTOR_NOT_FOUND");
    return factorAdded(tx, p.user.id, f, hadFactor, meta);
  });
  await notifyOwner(ctx, p.user, "factor_added");
  return { factor: view({ ...f, confirmedAt: now, lastStep: step, lastUsedAt: now }), recoveryCodes };
}

/** Audits a factor just added; the account's first factor comes with recovery codes (returned once), unless it still has some. */
async function factorAdded(tx: AuthContext, userId: number, f: SecondFactor, hadFactor: boolean, meta?: RequestMeta): Promise<string[] | null> {
  await audit(tx, { kind: "factor_added", userId, meta, detail: { kind: f.kind, factorId: f.id } });
  if (hadFactor && (await tx.store.factors.recoveryCodesLeft(userId)) > 0) return null;
  await audit(tx, { kind: "recovery_codes_made", userId, meta });
  return makeRecoveryCodes(tx, userId);
}

/** Starts registering a passkey on the account (needs step-up): the options for the browser's `navigator.credentials.create`. */
export async function startPasskey(ctx: AuthContext, principal: Principal, meta?: RequestMeta) {
  const p = requireSession(principal);
  requireRecentProof(ctx, p.session);
  return registrationOptions(ctx, p.user, meta);
}

/** Stores the passkey the browser made for that ceremony; the account's first factor comes with its recovery codes. */
export async function finishPasskey(
  ctx: AuthContext,
  principal: Principal,
  input: { ceremonyId: string; response: RegistrationResponseJSON; name?: string },
  meta?: RequestMeta,
): Promise<{ factor: FactorView; recoveryCodes: string[] | null }> {
  const p = requireSession(principal);
  const name = cleanName(input.name, "Passkey");
  const verified = await verifiedRegistration(ctx, p.user, input);
  const { factor, recoveryCodes } = await transaction(ctx, async (tx) => {
    const hadFactor = (await tx.store.factors.confirmedKinds(p.user.id)).length > 0;
    const stored = await storePasskey(tx, p.user.id, verified, name);
    return { factor: stored, recoveryCodes: await factorAdded(tx, p.user.id, stored, hadFactor, meta) };
  });
  await notifyOwner(ctx, p.user, "factor_added");
  return { factor: view(factor), recoveryCodes };
}

/** Removes one of the holder's factors; the last one takes the recovery codes with it. */
export async function removeFactor(ctx: AuthContext, principal: Principal, factorId: number, meta?: RequestMeta): Promise<FactorsView> {
  const p = requireSession(principal);
  requireRecentProof(ctx, p.session);
  await transaction(ctx, async (tx) => {
    const f = await findFactor(tx, factorId);
    if (!f || f.userId !== p.user.id || f.confirmedAt === null || !(await tx.store.factors.remove(factorId, p.user.id))) {
      throw new AuthError("FACTOR_NOT_FOUND");
    }
    await audit(tx, { kind: "factor_removed", userId: p.user.id, meta, detail: { kind: f.kind, factorId } });
    if ((await tx.store.factors.confirmedKinds(p.user.id)).length === 0) await tx.store.factors.removeRecoveryCodes(p.user.id);
  });
  await notifyOwner(ctx, p.user, "factor_removed");
  return factorsOf(ctx, p.user.id);
}

/** New recovery codes for an account with a factor; the old ones stop working. */
export async function regenerateRecoveryCodes(ctx: AuthContext, principal: Principal, meta?: RequestMeta): Promise<{ recoveryCodes: string[] }> {
  const p = requireSession(principal);
  requireRecentProof(ctx, p.session);
  const recoveryCodes = await transaction(ctx, async (tx) => {
    if ((await tx.store.factors.confirmedKinds(p.user.id)).length === 0) {
      throw new AuthError("FACTOR_NOT_FOUND", {}, "Recovery codes come with a second factor: add one first.");
    }
    await audit(tx, { kind: "recovery_codes_made", userId: p.user.id, meta });
    return makeRecoveryCodes(tx, p.user.id);
  });
  return { recoveryCodes };
}

/** An admin's view of an account's factors (never a secret); audited. */
export async function adminListFactors(ctx: AuthContext, principal: Principal, userId: number, meta?: RequestMeta): Promise<FactorsView> {
  const admin = requireSession(requireAdmin(principal));
  const user = await findUserById(ctx, userId);
  if (!user) throw new AuthError("USER_NOT_FOUND");
  await audit(ctx, { kind: "factors_viewed", userId, meta, detail: { by: admin.user.id } });
  return factorsOf(ctx, userId);
}

/** An admin removes every factor and recovery code of an account (a holder who lost them), after their own step-up. */
export async function adminResetFactors(ctx: AuthContext, principal: Principal, userId: number, meta?: RequestMeta): Promise<{ removed: number }> {
  const admin = requireSession(requireAdmin(principal));
  requireRecentProof(ctx, admin.session);
  let user: User | undefined;
  const removed = await transaction(ctx, async (tx) => {
    user = await findUserById(tx, userId);
    if (!user) throw new AuthError("USER_NOT_FOUND");
    const count = await tx.store.factors.removeAllOfUser(userId);
    await tx.store.factors.removeRecoveryCodes(userId);
    await audit(tx, { kind: "factors_reset", userId, meta, detail: { by: admin.user.id, removed: count } });
    return count;
  });
  if (user && removed > 0) await notifyOwner(ctx, user, "factors_reset");
  return { removed };
}
