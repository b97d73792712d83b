import type { Store } from "@authsvc/store";
import { drizzle } from "drizzle-orm/node-postgres";
import { pgMigrationsApplied, type PgDb } from "../client";
import * as schema from "../schema";
import { pgAudit } from "./audit";
import { pgChallenges } from "./challenges";
import { pgFactors } from "./factors";
import { withoutQueryValues } from "../../query-error";
import { storeWith, type Repositories, type StoreControls } from "../../store-repositories";
import { isRetryable } from "./errors";
import { pgKeys } from "./keys";
import { pgLimits } from "./limits";
import { pgMaintenance } from "./maintenance";
import { pgOidcClients, pgOidcModels } from "./oidc";
import { pgOutbox } from "./outbox";
import { lazy, type Bound } from "./bound";
import { pgSessions, pgTokens } from "./sessions";
import { inSavepoint, inTransaction, type Isolation, type TransactionConnection } from "./transaction";
import { pgCredentials, pgUsers } from "./users";
import { onPool, type Queryable } from "./wire";

export interface PgStoreOptions {
  /**
   * Isolation of `transaction`. READ COMMITTED by default: each primitive guards its own race
   * (a conditional UPDATE waits for the row's other writer, then checks its condition again on
   * the row as that one left it), and a read in a transaction locks its row, so bodies that
   * touch the same rows run one after the other without failing. SERIALIZABLE also covers what
   * a body concludes from a row's absence, at the price of serialisation failures whose reruns
   * grow with contention: many concurrent checks of one code can exhaust the bound.
   */
  isolation?: Isolation;
  /** Runs of a transaction's body, the first included, before a serialisation failure or deadlock is thrown. */
  maxTransactionRuns?: number;
}

const defaultMaxTransactionRuns = 10;

/** A pause before the next run, random so that the transactions that collided do not collide again. */
const backoff = (run: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** run)));

const hasNul = (value: unknown) => typeof value === "string" && value.includes("\u0000");

/**
 * PostgreSQL's text cannot hold U+0000 and refuses a query that compares with one, where
 * SQLite just finds nothing. No stored value holds one, so a lookup by such a value (an id or
 * a number typed into a request) answers "none", as the contract says, without asking.
 * `repository` is a fresh object, changed in place: a transaction makes its repositories anew.
 */
const lookupNames = new Map<string, string[]>();
function findsNothingWithNul<R extends object>(kind: string, repository: R): R {
  const methods = repository as Record<string, (...a: unknown[]) => unknown>;
  let names = lookupNames.get(kind);
  if (!names) lookupNames.set(kind, (names = Object.keys(methods).filter((name) => /^(by[A-Z]\w*|latest|find\w*)$/.test(name))));
  for (const name of names) {
    const method = methods[name]!;
    methods[name] = (...args) => (args.some(hasNul) ? Promise.resolve(undefined) : method(...args));
  }
  return repository;
}

/**
 * `names` (every method when not given) with their failures as `withoutQueryValues` leaves
 * them: the caller logs what it gets. Only what Drizzle builds needs it: its error carries the
 * values; the store's own statements fail with the driver's error.
 */
function withoutValuesInErrors<R extends object>(repository: R, names?: readonly (keyof R & string)[]): R {
  const methods = repository as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of names ?? Object.keys(methods)) {
    const method = methods[name]!;
    methods[name] = (...args) =>
      method(...args).catch((error: unknown) => {
        throw withoutQueryValues(error);
      });
  }
  return repository;
}

const makers: { [K in keyof Repositories]: (bound: Bound) => Repositories[K] } = {
  users: (b) => findsNothingWithNul("users", pgUsers(b)),
  credentials: (b) => pgCredentials(b),
  challenges: (b) => findsNothingWithNul("challenges", pgChallenges(b)),
  sessions: (b) => findsNothingWithNul("sessions", pgSessions(b)),
  tokens: (b) => findsNothingWithNul("tokens", pgTokens(b)),
  limits: (b) => pgLimits(b),
  audit: (b) => withoutValuesInErrors(pgAudit(b), ["list"]),
  outbox: (b) => withoutValuesInErrors(pgOutbox(b), ["list"]),
  maintenance: (b) => withoutValuesInErrors(pgMaintenance(b)),
  keys: (b) => withoutValuesInErrors(pgKeys(b)),
  factors: (b) => findsNothingWithNul("factors", pgFactors(b)),
  oidc: (b) => findsNothingWithNul("oidc", pgOidcModels(b)),
  oidcClients: (b) => findsNothingWithNul("oidcClients", pgOidcClients(b)),
};

const repositoryNames = Object.keys(makers) as (keyof Repositories)[];

/** A store of `controls` over `bound`, each repository made on first use and then kept. */
function withRepositories(controls: StoreControls, bound: Bound): Store {
  const made: Partial<Repositories> = {};
  return storeWith(controls, repositoryNames, (name) => (made[name] ??= makers[name](bound)));
}

/**
 * The store on PostgreSQL, for one pool (one per process). Each primitive is one statement
 * that is race-safe by itself, whatever the instance: a guarded UPDATE ... RETURNING, an
 * upsert that restarts a window in the same step, SKIP LOCKED for the outbox; what takes two
 * statements runs them in a transaction of its own (Bound.atomically). `transaction`
 * is all or nothing, nests as savepoints, and runs its body again after a deadlock (or, at
 * SERIALIZABLE, a serialisation failure), as the contract allows.
 */
export function createPgStore(db: PgDb, options: PgStoreOptions = {}): Store {
  const maxRuns = Math.max(1, options.maxTransactionRuns ?? defaultMaxTransactionRuns);
  const isolation = options.isolation ?? "read committed";
  let closing: Promise<void> | undefined;

  /** The store of the transaction on `on`; `drizzleOnIt` is for what is built per call. */
  function ofTransaction(on: Queryable, drizzleOnIt: Bound["db"]): Store {
    return withRepositories(
      {
        // A savepoint: its failure undoes its own work only, and the caller may go on.
        transaction: (fn) => inSavepoint(on, () => fn(ofTransaction(on, drizzleOnIt))),
        ready: () => pgMigrationsApplied(db),
        close: () => Promise.reject(new Error("close the store, not one of its transactions")),
      },
      { on, db: drizzleOnIt, locking: true, atomically: (work) => work(on) },
    );
  }

  /** `body` in a transaction of its own, run again after a deadlock or serialisation failure. */
  async function retried<T>(body: (connection: TransactionConnection) => Promise<T>): Promise<T> {
    for (let run = 1; ; run++) {
      try {
        return await inTransaction(db.$client, isolation, body);
      } catch (error) {
        if (run >= maxRuns || !isRetryable(error)) throw withoutQueryValues(error);
        await backoff(run);
      }
    }
  }

  const rest: StoreControls = {
    transaction: (fn) => retried(({ on, client }) => fn(ofTransaction(on, lazy(() => drizzle({ client, schema }))))),
    ready: () => pgMigrationsApplied(db),
    // Once: pg refuses a second end of a pool, and a shutdown may come from several places.
    close: () => (closing ??= db.$client.end()),
  };
  return withRepositories(rest, {
    on: onPool(db.$client),
    db: () => db,
    locking: false,
    atomically: (work) => retried(({ on }) => work(on)),
  });
}
