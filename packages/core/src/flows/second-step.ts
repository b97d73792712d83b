import type { AuthContext, RequestMeta } from "../context";
import { completeSecondStep, type SecondStepProof } from "../factors/second-step";
import { issueToken, openSessionNow, type SignedIn, type TokenRequest } from "./sign-in";

/**
 * The second step of a sign-in that answered SECOND_FACTOR_REQUIRED: its ticket and an
 * authenticator or recovery code, with the same delivery the first step asked for.
 */
export async function signInSecondStep(
  ctx: AuthContext,
  input: { ticket: string } & SecondStepProof,
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  const { user, opened } = await completeSecondStep(ctx, input, t, meta, (tx, u, method) => openSessionNow(tx, u, t, meta, method));
  return issueToken(ctx, user, opened, t);
}
