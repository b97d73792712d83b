import type { User } from "@authsvc/store";
import type { AuthContext } from "../context";
import { enqueue } from "../delivery/deliver";
import type { MessagePurpose } from "../delivery/templates";
import { provenContact } from "../users/claims";

/**
 * Tells the account's owner that what guards it changed, at its proven email, else its
 * proven phone; after the answer, so a slow transport never holds the change back.
 */
export async function notifyOwner(
  ctx: AuthContext,
  user: User,
  purpose: Extract<MessagePurpose, "factor_added" | "factor_removed" | "factors_reset" | "recovery_code_used">,
): Promise<void> {
  const to = provenContact(user);
  if (to) await enqueue(ctx, { channel: to.channel, to: to.to, purpose, minutes: 0 });
}
