/**
 * Step-up: changing what guards an account needs a proof on this session within the last few
 * minutes (`secondFactor.stepUpSec`). A sign-in is one; so is `stepUp` with a passkey, an
 * authenticator code, the current password, or the PIN on a known device of the account
 * (a device PIN, as banking apps treat it: a PIN typed on a stranger's client proves little).
 */
import type { Session } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { checkPasswordCounted } from "../passwords/check";
import { checkPin } from "../flows/pin";
import { requireSession, type Principal } from "../sessions/authenticate";
import { knownDevice } from "../sessions/device";
import { markAuthenticated, provedWithin } from "../sessions/sessions";
import { acceptTotp } from "./second-step";
import { acceptPasskey, assertionOptions, type PasskeyAssertion } from "./passkeys";

export type StepUpProof = { password: string } | { totp: string } | { pin: string } | { passkey: PasskeyAssertion };

/** Refuses with STEP_UP_REQUIRED unless the session proved its holder recently enough. */
export function requireRecentProof(ctx: AuthContext, session: Session): void {
  if (!provedWithin(ctx, session, ctx.options.secondFactor.stepUpSec)) throw new AuthError("STEP_UP_REQUIRED");
}

/** Proves the holder again on this session; the proof's own limits apply (password tries, PIN lock, TOTP replay). */
export async function stepUp(ctx: AuthContext, principal: Principal, proof: StepUpProof, meta?: RequestMeta): Promise<{ validForSec: number }> {
  const p = requireSession(principal);
  const user = p.user;
  let ok: boolean;
  let how: string;
  if ("password" in proof) {
    how = "password";
    ok = await checkPasswordCounted(ctx, undefined, user, proof.password, meta, "step_up");
  } else if ("totp" in proof) {
    how = "totp";
    ok = await acceptTotp(ctx, user.id, proof.totp);
  } else if ("passkey" in proof) {
    how = "passkey";
    ok = await acceptPasskey(ctx, proof.passkey, user.id, meta);
  } else {
    how = "pin";
    // Family 004's bearer session is the device its PIN was set on; elsewhere the device token says so.
    const onDevice = p.via === "bearer" || knownDevice(ctx, meta, user.id) !== null;
    if (!onDevice) throw new AuthError("STEP_UP_REQUIRED", {}, "A PIN proves it is you only on a device this account signed in on. Use your password or second factor.");
    const result = await checkPin(ctx, user, proof.pin, meta, { sameTime: false });
    if (result === "locked") throw new AuthError("PIN_LOCKED");
    if (result === "unset") throw new AuthError("PIN_NOT_SET");
    ok = result === "ok";
  }
  if (!ok) {
    await audit(ctx, { kind: "step_up", outcome: "fail", userId: user.id, meta, detail: { how } });
    throw new AuthError(how === "password" ? "INVALID_CREDENTIALS" : how === "pin" ? "INVALID_PIN" : how === "passkey" ? "PASSKEY_REFUSED" : "INVALID_CODE");
  }
  await markAuthenticated(ctx, p.session.id);
  await audit(ctx, { kind: "step_up", userId: user.id, meta, detail: { how, sessionId: p.session.id } });
  return { validForSec: ctx.options.secondFactor.stepUpSec };
}

/** Options for a passkey step-up: this account's passkeys. */
export function stepUpPasskeyOptions(ctx: AuthContext, principal: Principal, meta?: RequestMeta) {
  return assertionOptions(ctx, requireSession(principal).user.id, meta);
}
