import type { AuthContext } from "./context";

/**
 * Runs `fn` in one transaction (a savepoint when nested), with a context whose store is
 * bound to it: everything in the body goes through that context. The body does store work
 * only: hashing, signing and sending happen before or after, because the engine holds a
 * lock or a connection for the body's whole length and may run it again after a
 * serialisation failure.
 */
export function transaction<T>(ctx: AuthContext, fn: (tx: AuthContext) => Promise<T>): Promise<T> {
  return ctx.store.transaction((store) => fn({ ...ctx, store }));
}
