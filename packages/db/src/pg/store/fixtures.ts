import type { NewUser, Store } from "@authsvc/store";
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
export function newUser(over: Partial<NewUser> = {}): NewUser {
  n++;
  return {
    email: `u${n}-${process.pid}@example.com`,
    phone: null,
    username: null,
    fullName: null,
    birthDate: null,
    bio: null,
    pictureUrl: null,
    role: "user",
    status: "ACTIVE",
    customerNumber: 100_000_000_000 + n,
    accountNumber: String(1_000_000_000 + n),
    emailVerifiedAt: null,
    phoneVerifiedAt: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...over,
  };
}
