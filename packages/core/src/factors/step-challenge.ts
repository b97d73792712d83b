import type { NewChallenge } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { requesterOf } from "../limits/requester";

/**
 * Writes the challenge of a step that sends nothing (a sign-in's second step, a passkey
 * ceremony): the row makes it single-use, short-lived and counted in tries, as a sent code's.
 */
export async function writeStepChallenge(
  ctx: AuthContext,
  c: Pick<NewChallenge, "id" | "userId" | "destination" | "codeHash" | "expiresAt" | "attemptsLeft" | "payload"> & { purpose: "second_factor" | "webauthn" },
  meta: RequestMeta | undefined,
): Promise<void> {
  const now = ctx.now();
  await ctx.store.challenges.insert({ ...c, channel: "none", sendCount: 0, lastSentAt: now, requester: requesterOf(ctx, meta, c.userId).key, createdAt: now });
}
