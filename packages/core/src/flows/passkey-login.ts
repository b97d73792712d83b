import type { AuthContext, RequestMeta } from "../context";
import { liveTicket } from "../factors/second-step";
import { assertionOptions, withVerifiedAssertion, type PasskeyAssertion } from "../factors/passkeys";
import { limitAddress } from "../limits/address";
import { transaction } from "../transaction";
import { issueToken, openSessionNow, type SignedIn, type TokenRequest } from "./sign-in";

/** Options for a sign-in with a passkey and no username (the browser offers this site's passkeys, autofill included). */
export async function passkeySignInOptions(ctx: AuthContext, meta?: RequestMeta) {
  await limitAddress(ctx, "passkeyCeremoniesPerIp", meta);
  return assertionOptions(ctx, null, meta);
}

/**
 * A sign-in with a passkey: possession of the authenticator and its user verification (a
 * fingerprint, a face, the device PIN) are two factors, so it opens the session alone.
 */
export async function loginWithPasskey(ctx: AuthContext, input: PasskeyAssertion, t: TokenRequest, meta?: RequestMeta): Promise<SignedIn> {
  const { user, session } = await withVerifiedAssertion(ctx, input, null, meta, {
    before: (b) => limitAddress(b, "loginPerIp", meta),
    after: async (b, user) => ({ user, session: await transaction(b, (tx) => openSessionNow(tx, user, t, meta, "passkey")) }),
  });
  return issueToken(ctx, user, session, t);
}

/** Options for the second step of a sign-in with one of the ticket's account's passkeys. */
export async function secondStepPasskeyOptions(ctx: AuthContext, ticket: string, t: TokenRequest, meta?: RequestMeta) {
  const { userId } = await liveTicket(ctx, ticket, t, meta);
  return assertionOptions(ctx, userId, meta);
}
