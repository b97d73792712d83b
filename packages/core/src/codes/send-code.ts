import type { AuthContext } from "../context";
import { deliver, enqueue, type DeliverInput } from "../delivery/deliver";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { issueCode, undoSend, type IssueCodeInput, type IssuedCode } from "./codes";

export interface SendCodeInput extends IssueCodeInput {
  locale?: Locale;
  /** A link sent with the code (password reset by email). */
  link?: string;
  /**
   * Send after the answer (see `enqueue`): for the flows whose answer must not tell
   * whether an account exists. Such a send never fails the request.
   */
  background?: boolean;
}

const messageOf = (ctx: AuthContext, input: SendCodeInput, issued: IssuedCode): DeliverInput => ({
  channel: input.channel,
  to: input.destination,
  purpose: input.purpose,
  code: issued.code,
  link: input.link,
  minutes: ctx.options.code.ttlSec / 60,
  locale: input.locale,
  challengeId: issued.challenge.id,
});

/**
 * Issues a code and sends it. If the provider is down the code stays unused (the worker
 * may still deliver it) and the cooldown and caps this send took are given back, so the
 * person may ask again at once instead of waiting for a message that never came.
 */
export async function sendCode(ctx: AuthContext, input: SendCodeInput): Promise<IssuedCode> {
  const issued = await issueCode(ctx, input);
  if (input.background) {
    await enqueue(ctx, messageOf(ctx, input, issued));
    return issued;
  }
  try {
    await deliver(ctx, messageOf(ctx, input, issued));
  } catch (err) {
    if (err instanceof AuthError && err.code === "DELIVERY_FAILED") {
      await undoSend(ctx, issued.challenge);
    }
    throw err;
  }
  return issued;
}
