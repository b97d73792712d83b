import type { User } from "@authsvc/store";
import type { AuthContext } from "../context";

/**
 * Claims a door adds to its JWTs beyond the domain's (sub, sid, gen, role...): a function
 * of the user, registered under a name by the door that needs it (`registerClaimsProfile`).
 * The token names its profile in `cpr`, so a renewal through any door applies the same
 * profile again, to the user's row as it is then.
 */
export type ClaimsProfile = (user: User) => Record<string, unknown>;

/** The claim that names the token's profile. */
export const PROFILE_CLAIM = "cpr";

export function registerClaimsProfile(ctx: AuthContext, name: string, profile: ClaimsProfile): void {
  ctx.claimsProfiles.set(name, profile);
}

/** The profile's claims and its name, for signAccessToken's `extra`; none without a profile. */
export function profileClaims(ctx: AuthContext, name: string | undefined, user: User): Record<string, unknown> | undefined {
  if (name === undefined) return undefined;
  const profile = ctx.claimsProfiles.get(name);
  // A door asks for a profile it registered: a missing one is a wiring mistake, not a client's.
  if (!profile) throw new Error(`no claims profile is registered as ${JSON.stringify(name)}`);
  return { ...profile(user), [PROFILE_CLAIM]: name };
}
