import { usePgTestDatabase } from "@authsvc/pg-test-server";
import type { NewUser, Store } from "@authsvc/store";
import type pg from "pg";
import { newUser as contractUser } from "@authsvc/store/conformance";
import { afterAll, beforeAll } from "vitest";
import { createPgDatabase, type PgDb } from "../client";
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
  /** A store whose pool notes every statement it sends: one `query` is one round trip. */
  const openRecorded = async (): Promise<{ store: Store; sent: SentStatement[] }> => {
    const db = await createPgDatabase(database.url, { migrate: false });
    const sent: SentStatement[] = [];
    db.$client.on("connect", (client) => recordQueries(client, sent));
    const store = createPgStore(db, options);
    opened.push(store);
    return { store, sent };
  };
  const first = { store: undefined as unknown as Store, db: undefined as unknown as PgDb };
  beforeAll(async () => {
    first.db = await createPgDatabase(database.url, { poolSize: 1 });
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
    openRecorded,
  };
}

/** A statement as it went to the server: a name when it is prepared (parsed once per connection). */
export interface SentStatement {
  name: string | undefined;
  text: string;
}

function recordQueries(client: pg.PoolClient, sent: SentStatement[]): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((config: string | pg.QueryConfig, ...rest: unknown[]) => {
    sent.push(typeof config === "string" ? { name: undefined, text: config } : { name: config.name, text: config.text });
    return query(config, ...rest);
  }) as typeof client.query;
}

let n = 0;
/** The contract's user fixture with an email of its own (these tests look users up by it). */
export function newUser(over: Partial<NewUser> = {}): NewUser {
  n++;
  return contractUser({ email: `u${n}-${process.pid}@example.com`, ...over });
}
