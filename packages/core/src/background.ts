import type { AuthContext } from "./context";

export interface Background {
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` now and then every `intervalMs` until stopped, one pass at a time; a failed
 * pass is logged (as `what failed`) and the next tick tries again. The timer never keeps the
 * process alive on its own.
 */
export function every(ctx: AuthContext, intervalMs: number, what: string, pass: () => Promise<unknown>): Background {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(pass).catch((err: unknown) => ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, `${what} failed`));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
