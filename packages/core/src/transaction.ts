import type { AuthContext } from "./context";

/**
 * Runs `fn` in one IMMEDIATE transaction (a savepoint when nested). The body must be
 * synchronous: do async work (hashing, signing, sending) before or after, never inside.
 */
export function transaction<T>(ctx: AuthContext, fn: () => T): T {
  return ctx.db.$client.transaction(fn).immediate();
}
