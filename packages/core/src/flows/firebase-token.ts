import type { AuthContext } from "../context";
import { AuthError } from "../errors";
import type { FirebaseSigner } from "../firebase/custom-token";
import { requireSession, type Principal } from "../sessions/authenticate";
import { findUserById } from "../users/users";

/** A Firebase custom token for one's own id; admins may ask for anyone's. */
export async function firebaseToken(ctx: AuthContext, signer: FirebaseSigner, principal: Principal, userId: number): Promise<string> {
  const p = requireSession(principal);
  if (p.user.id !== userId && p.user.role !== "admin") throw new AuthError("UNAUTHORIZED");
  const user = await findUserById(ctx, userId);
  if (!user) throw new AuthError("USER_NOT_FOUND");
  return signer.sign(String(user.id), ctx.now());
}
