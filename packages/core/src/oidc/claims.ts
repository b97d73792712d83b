import type { AuthContext } from "../context";
import { findUserById, isUserId } from "../users/users";

/**
 * What the provider says about an account (the ID token and userinfo), by scope. Only what
 * the account has proven: an email or phone number appears only once a code sent to it came
 * back, with `*_verified: true`; an unproven one is somebody's claim and is left out (an
 * application that trusted it could be pre-hijacked). The profile (name, username) is the
 * account holder's own choice, and is given only once the account holds a proven email or
 * phone: before that, the proof of either may still drop them (users/registrant.ts).
 * A disabled account, or one that is gone, gets nothing.
 */
export type OidcClaims = { sub: string } & Partial<{
  email: string;
  email_verified: true;
  phone_number: string;
  phone_number_verified: true;
  name: string;
  preferred_username: string;
}>;

/** The claim names each scope releases, for the provider's configuration. */
export const OIDC_SCOPE_CLAIMS = {
  email: ["email", "email_verified"],
  phone: ["phone_number", "phone_number_verified"],
  profile: ["name", "preferred_username"],
} as const;

export async function oidcAccountClaims(ctx: AuthContext, accountId: string): Promise<OidcClaims | undefined> {
  const id = /^\d{1,10}$/.test(accountId) ? Number(accountId) : NaN;
  if (!isUserId(id)) return undefined;
  const user = await findUserById(ctx, id);
  if (!user || user.status === "DISABLED") return undefined;
  const claims: OidcClaims = { sub: String(user.id) };
  const emailProven = user.email !== null && user.emailVerifiedAt !== null;
  const phoneProven = user.phone !== null && user.phoneVerifiedAt !== null;
  if (emailProven) Object.assign(claims, { email: user.email, email_verified: true });
  if (phoneProven) Object.assign(claims, { phone_number: user.phone, phone_number_verified: true });
  if (emailProven || phoneProven) {
    if (user.fullName) claims.name = user.fullName;
    if (user.username) claims.preferred_username = user.username;
  }
  return claims;
}
