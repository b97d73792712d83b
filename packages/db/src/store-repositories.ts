import type { Store } from "@authsvc/store";

/** A Store's repositories: what each engine makes per connection and per transaction. */
export type Repositories = Omit<Store, "transaction" | "batch" | "ready" | "close">;

/** What an engine gives besides its repositories; without `batch`, a batch's writes each commit alone. */
export type StoreControls = Omit<Store, keyof Repositories | "batch"> & Partial<Pick<Store, "batch">>;

/**
 * A Store of `controls` (transaction, batch, ready, close) whose repositories, `names`, are read
 * through `repository(name)` at each use, so an engine can make them when first used: a
 * transaction's store is made per transaction, and its body uses a few of them.
 */
export function storeWith(
  controls: StoreControls,
  names: readonly (keyof Repositories)[],
  repository: <K extends keyof Repositories>(name: K) => Repositories[K],
): Store {
  const store = { ...controls } as Store;
  store.batch ??= (fn) => fn(store);
  for (const name of names) Object.defineProperty(store, name, { enumerable: true, get: () => repository(name) });
  return store;
}
