import type { NewUser, Store } from "@authsvc/store";
import { newUser as contractUser } from "@authsvc/store/conformance";
import { afterAll, beforeAll } from "vitest";
import { createPgDatabase, type PgDb } from "../client";
import { usePgTestDatabase } from "../testing";
import { createPgStore, type PgStoreOptions } from "./index";

/** Stores on one fresh database for the file; each store has its own pool, as an instance would. */
export function usePgStores(options: PgStoreOptions = {}) {
  const database = usePgTestDatabase();
  const opened: Store[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });
  const open = async (override: PgStoreOptions = {}): Promise<Store> => {
    const store = createPgStore(await createPgDatabase(database.url, { migrate: false }), { ...options, ...override });
    opened.push(store);
    return store;
  };
  const first = { store: undefined as unknown as Store, db: undefined as unknown as PgDb };
  beforeAll(async () => {
    first.db = await createPgDatabase(database.url, { migrate: false, poolSize: 1 });
    opened.push(createPgStore(first.db));
    first.store = await open();
  });
  return {
    get store() {
      return first.store;
    },
    /** The database under the stores, for rows the contract cannot write (an older version's). */
    get db() {
      return first.db;
    },
    open,
  };
}

let n = 0;
/** The contract's user fixture with an email of its own (these tests look users up by it). */
export function newUser(over: Partial<NewUser> = {}): NewUser {
  n++;
  return contractUser({ email: `u${n}-${process.pid}@example.com`, ...over });
}
