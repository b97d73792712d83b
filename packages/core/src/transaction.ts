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

/**
 * Runs `fn` with a context whose writes may share one commit (the store's `batch`): a
 * request's few small writes, where committing each would cost more than the writes. Not
 * all or nothing: a refusal thrown by the body keeps the limit hits and audit rows before
 * it, as each would have been kept alone; a `transaction` inside is still all or nothing.
 * Store work only, as in a transaction: sending and signing come after it.
 */
export function batch<T>(ctx: AuthContext, fn: (b: AuthContext) => Promise<T>): Promise<T> {
  return ctx.store.batch((store) => fn({ ...ctx, store }));
}
