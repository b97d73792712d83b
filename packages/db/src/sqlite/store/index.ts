import type { Store } from "@authsvc/store";
import { migrationsApplied, type Db } from "../client";
import { storeWith, type Repositories } from "../../store-repositories";
import { auditRepository, prepareAudit } from "./audit";
import { challengeRepository, prepareChallenges } from "./challenges";
import { factorRepository, prepareFactors } from "./factors";
import { keyRepository, prepareKeys } from "./keys";
import { limitRepository, prepareLimits } from "./limits";
import { maintenanceRepository, prepareMaintenance } from "./maintenance";
import { oidcClientRepository, oidcModelRepository, prepareOidc } from "./oidc";
import { outboxRepository, prepareOutbox } from "./outbox";
import { translateError } from "./conflict";
import { openScopes, Scope } from "./scope";
import { prepareSessions, sessionRepository, tokenRepository } from "./sessions";
import { credentialRepository, prepareUsers, userRepository } from "./users";

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Db) {
  return {
    users: prepareUsers(db),
    challenges: prepareChallenges(db),
    sessions: prepareSessions(db),
    limits: prepareLimits(db),
    audit: prepareAudit(db),
    outbox: prepareOutbox(db),
    maintenance: prepareMaintenance(db),
    keys: prepareKeys(db),
    factors: prepareFactors(db),
    oidc: prepareOidc(db),
  };
}

/**
 * The Store on one better-sqlite3 connection. Its statements are synchronous, so each
 * repository call is atomic by itself; `transaction` holds the connection (BEGIN IMMEDIATE,
 * which also takes the write lock against other processes) until its body settles, and the
 * callers outside it wait their turn rather than run inside it. Nested transactions are
 * savepoints. Statements are prepared once, on the first call, when the tables exist.
 */
export function createSqliteStore(db: Db): Store {
  let statements: Statements | undefined;
  const prepared = () => (statements ??= prepareStatements(db));
  return storeFor(db, prepared, new Scope(0));
}

/** How each repository is made from the prepared statements, for one scope. */
const makers: { [K in keyof Repositories]: (db: Db, q: Statements, scope: Scope) => Repositories[K] } = {
  users: (_, q, scope) => userRepository(q.users, scope),
  credentials: (_, q, scope) => credentialRepository(q.users, scope),
  challenges: (_, q, scope) => challengeRepository(q.challenges, scope),
  sessions: (_, q, scope) => sessionRepository(q.sessions, scope),
  tokens: (_, q, scope) => tokenRepository(q.sessions, scope),
  limits: (_, q, scope) => limitRepository(q.limits, scope),
  audit: (db, q, scope) => auditRepository(db, q.audit, scope),
  outbox: (_, q, scope) => outboxRepository(q.outbox, scope),
  maintenance: (_, q, scope) => maintenanceRepository(q.maintenance, scope),
  keys: (_, q, scope) => keyRepository(q.keys, scope),
  factors: (_, q, scope) => factorRepository(q.factors, scope),
  oidc: (_, q, scope) => oidcModelRepository(q.oidc, scope),
  oidcClients: (_, q, scope) => oidcClientRepository(q.oidc, scope),
};

const repositoryNames = Object.keys(makers) as (keyof Repositories)[];

function storeFor(db: Db, prepared: () => Statements, scope: Scope): Store {
  // Made on first use: a transaction's store is made per transaction and uses a few of them.
  const made: Partial<Repositories> = {};
  // A repository whose statements cannot be prepared (the database closed, say) rejects each
  // call, as any other failing call does, instead of throwing from a property read.
  const repo = <K extends keyof Repositories>(name: K): Repositories[K] => {
    const kept = made[name];
    if (kept) return kept;
    try {
      return (made[name] = makers[name](db, prepared(), scope));
    } catch (err) {
      const failed = translateError(err);
      return new Proxy({} as Repositories[K], { get: (_, key) => (key === "then" ? undefined : () => Promise.reject(failed)) });
    }
  };
  // Each commit writes the pages its statements changed to the log: for a request's few small
  // writes, most of their cost. Inside a transaction, a batch is that transaction's work.
  const batch: Store["batch"] = (fn) => runTransaction(db, scope, (inner) => fn(storeFor(db, prepared, inner)), "keep");
  return storeWith(
    {
      transaction: (fn) => runTransaction(db, scope, (inner) => fn(storeFor(db, prepared, inner))),
      ...(scope.depth === 0 ? { batch } : {}),
      ready: () => scope.run(() => migrationsApplied(db)),
      // After the transaction in progress, if any: it is not cut off half-way.
      close: async () => {
        await scope.gate.acquire();
        try {
          db.$client.close();
        } finally {
          scope.gate.release();
        }
      },
    },
    repositoryNames,
    repo,
  );
}

type Client = Db["$client"];
const controlStatements = new WeakMap<Client, Map<string, { run(): unknown }>>();

/** Runs a transaction-control statement prepared once per connection: exec would parse it every time. */
function control(client: Client, sql: string): void {
  let cache = controlStatements.get(client);
  if (!cache) controlStatements.set(client, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = client.prepare<[]>(sql)));
  statement.run();
}

/**
 * `onFailure`: "undo" for a transaction; "keep" for a batch, whose writes stay when its body
 * throws, as they would have had each been committed on its own.
 */
async function runTransaction<T>(db: Db, outer: Scope, fn: (inner: Scope) => Promise<T>, onFailure: "undo" | "keep" = "undo"): Promise<T> {
  const client = db.$client;
  const inner = new Scope(outer.depth + 1, outer);
  const root = outer.depth === 0;
  const savepoint = `store_tx_${inner.depth}`;
  // Leaves the connection as it was before this level began, whatever failed.
  const undo = () => {
    if (!client.inTransaction) return;
    if (root) return control(client, "ROLLBACK");
    control(client, `ROLLBACK TO ${savepoint}`);
    control(client, `RELEASE ${savepoint}`);
  };
  // A failed commit (the disk full, say) leaves nothing half-written: it is undone instead.
  const keep = () => {
    try {
      control(client, "COMMIT");
    } catch {
      undo();
    }
  };
  await outer.gate.acquire();
  try {
    control(client, root ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    try {
      const result = await openScopes.run([...(openScopes.getStore() ?? []), inner], () => fn(inner));
      inner.end();
      control(client, root ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (err) {
      inner.end();
      if (onFailure === "keep" && client.inTransaction) keep();
      else undo();
      throw translateError(err);
    }
  } finally {
    outer.gate.release();
  }
}
