import type { AuthContext, RequestMeta } from "../context";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { checkPasswordCounted } from "../passwords/check";
import { transaction } from "../transaction";
import { findUserByIdentifier } from "../users/users";
import { issueToken, openSession, type SignedIn, type TokenRequest } from "./sign-in";

/**
 * Email, phone or username with the account password. Unknown accounts are checked against
 * a dummy hash, so they answer the same, in the same time, as a wrong password.
 */
export async function loginWithPassword(
  ctx: AuthContext,
  input: { identifier: string; password: string },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  await limitAddress(ctx, "loginPerIp", meta);
  let found;
  try {
    found = await findUserByIdentifier(ctx, input.identifier);
  } catch {
    throw new AuthError("INVALID_CREDENTIALS");
  }
  const { user } = found;
  if (!(await checkPasswordCounted(ctx, found, user, input.password, meta, "password")) || !user) {
    throw new AuthError("INVALID_CREDENTIALS");
  }
  if (user.status === "DISABLED") throw new AuthError("ACCOUNT_DISABLED");
  // An account with an email opens only once the email is proven: until then anyone may have typed it in.
  if (user.email && user.emailVerifiedAt === null) throw new AuthError("EMAIL_NOT_VERIFIED");
  const session = await transaction(ctx, (tx) => openSession(tx, user, t, meta, "password"));
  return issueToken(ctx, user, session, t);
}
