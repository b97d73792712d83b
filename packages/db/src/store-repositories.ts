import type { Store } from "@authsvc/store";

/** A Store's repositories: what each engine makes per connection and per transaction. */
export type Repositories = Omit<Store, "transaction" | "batch" | "ready" | "close">;

/** What an engine gives besides its repositories; without `batch`, a batch's writes each commit alone. */
export type StoreControls = Omit<Store, keyof Repositories | "batch"> & Partial<Pick<Store, "batch">>;

type RepositoryOf = <K extends keyof Repositories>(name: K) => Repositories[K];

const repositoryOf = Symbol("repositoryOf");

/**
 * One prototype per list of names, its getters defined once: a store is made per transaction,
 * and defining each getter on each store cost more than the transaction's own statements.
 */
const prototypes = new Map<string, object>();
let last: { names: readonly (keyof Repositories)[]; proto: object } | undefined;

function prototypeFor(names: readonly (keyof Repositories)[]): object {
  // An engine that passes one list each time is answered without joining its names.
  if (last?.names === names) return last.proto;
  const key = names.join(",");
  let proto = prototypes.get(key);
  if (!proto) {
    proto = {};
    for (const name of names) {
      Object.defineProperty(proto, name, {
        enumerable: true,
        get(this: { [repositoryOf]: RepositoryOf }) {
          return this[repositoryOf](name);
        },
      });
    }
    prototypes.set(key, proto);
  }
  last = { names, proto };
  return proto;
}

/**
 * A Store of `controls` (transaction, batch, ready, close) whose repositories, `names`, are read
 * through `repository(name)` at each use, so an engine can make them when first used: a
 * transaction's store is made per transaction, and its body uses a few of them.
 */
export function storeWith(controls: StoreControls, names: readonly (keyof Repositories)[], repository: RepositoryOf): Store {
  const store = Object.create(prototypeFor(names)) as Store & { [repositoryOf]: RepositoryOf };
  store[repositoryOf] = repository;
  Object.assign(store, controls);
  store.batch ??= (fn) => fn(store);
  return store;
}
