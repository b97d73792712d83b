import type { Store } from "@authsvc/store";

/** A Store's repositories: what each engine makes per connection and per transaction. */
export type Repositories = Omit<Store, "transaction" | "ready" | "close">;

/**
 * A Store of `controls` (transaction, ready, close) whose repositories, `names`, are read
 * through `repository(name)` at each use, so an engine can make them when first used: a
 * transaction's store is made per transaction, and its body uses a few of them.
 */
export function storeWith(
  controls: Omit<Store, keyof Repositories>,
  names: readonly (keyof Repositories)[],
  repository: <K extends keyof Repositories>(name: K) => Repositories[K],
): Store {
  const store = { ...controls } as Store;
  for (const name of names) Object.defineProperty(store, name, { enumerable: true, get: () => repository(name) });
  return store;
}
