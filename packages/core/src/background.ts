import type { AuthContext } from "./context";

export interface Background {
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
  /**
   * Runs a pass now (after the one in flight) and resolves when it is done; nothing once
   * stopped. Tests step a worker with it instead of sleeping through its interval.
   */
  tick(): Promise<void>;
}

/**
 * Runs `pass` now and then every `intervalMs` until stopped, one pass at a time; a failed
 * pass is logged (as `what failed`) and the next tick tries again. The timer never keeps the
 * process alive on its own.
 */
export function every(ctx: AuthContext, intervalMs: number, what: string, pass: () => Promise<unknown>): Background {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (!stopped) {
      running = running.then(pass).catch((err: unknown) => ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, `${what} failed`));
    }
    return running.then(() => undefined);
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    tick,
  };
}
