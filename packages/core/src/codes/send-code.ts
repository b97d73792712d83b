import type { AuthContext } from "../context";
import { writeDelivery, type DeliverInput, type PendingSend } from "../delivery/deliver";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { batch } from "../transaction";
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

/** A code issued and its message written; `send` finishes the delivery with a context outside the batch. */
export interface WrittenCode {
  issued: IssuedCode;
  send: PendingSend;
}

/**
 * The store half of `sendCode`, in the caller's batch: the code and its message's row. If the
 * provider turns out to be down when `send` runs, the code stays unused (the worker may still
 * deliver it) and the cooldown and caps this send took are given back, so the person may ask
 * again at once instead of waiting for a message that never came.
 */
export async function writeCode(ctx: AuthContext, input: SendCodeInput): Promise<WrittenCode> {
  const issued = await issueCode(ctx, input);
  const pending = await writeDelivery(ctx, messageOf(ctx, input, issued), input.background ? "afterAnswer" : "now");
  return {
    issued,
    send: async (outside) => {
      try {
        await pending(outside);
      } catch (err) {
        if (err instanceof AuthError && err.code === "DELIVERY_FAILED") await undoSend(outside, issued.challenge);
        throw err;
      }
    },
  };
}

/** Issues a code and sends it (see `writeCode`): the writes in one batch, the transport after it. */
export async function sendCode(ctx: AuthContext, input: SendCodeInput): Promise<IssuedCode> {
  const { issued, send } = await batch(ctx, (b) => writeCode(b, input));
  await send(ctx);
  return issued;
}
