import type { AuthContext } from "./context";

/**
 * Work a flow does after its answer has gone (AuthContext.later): for the flows whose answer
 * must not tell whether an account exists, the store writes only a known account needs
 * (forgot password's reset token, message and audit) run once the answer is out, so the work
 * before it is the same for everyone. A failure is logged; the request has already answered.
 */
export interface Later {
  /** Work scheduled and not yet finished. */
  pending: Set<Promise<void>>;
  /** Tests only: when set, work is put here instead of scheduled, for the test to run. */
  held: (() => void)[] | null;
}

export const newLater = (): Later => ({ pending: new Set(), held: null });

/** Runs `work` after the current request has answered (on the next turn of the event loop). */
export function afterAnswer(ctx: AuthContext, what: string, work: () => Promise<unknown>): void {
  const { later } = ctx;
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  later.pending.add(done);
  const run = () => {
    work()
      .catch((err: unknown) => ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, `${what} failed after the answer`))
      .finally(() => {
        later.pending.delete(done);
        release();
      });
  };
  if (later.held) later.held.push(run);
  else setImmediate(run);
}

/** Waits for the work scheduled so far (the dev outbox reads after it, so a code shows at once). */
export async function settled(ctx: AuthContext): Promise<void> {
  while (ctx.later.pending.size > 0 && !ctx.later.held) await Promise.all([...ctx.later.pending]);
}
