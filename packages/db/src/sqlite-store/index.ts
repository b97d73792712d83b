import type { Store } from "@authsvc/store";
import { migrationsApplied, type Db } from "../client";
import { auditRepository, prepareAudit } from "./audit";
import { challengeRepository, prepareChallenges } from "./challenges";
import { keyRepository, prepareKeys } from "./keys";
import { limitRepository, prepareLimits } from "./limits";
import { maintenanceRepository, prepareMaintenance } from "./maintenance";
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

function storeFor(db: Db, prepared: () => Statements, scope: Scope): Store {
  let repositories: Omit<Store, "transaction" | "ready" | "close"> | undefined;
  const repos = () => {
    if (!repositories) {
      const q = prepared();
      repositories = {
        users: userRepository(db, q.users, scope),
        credentials: credentialRepository(q.users, scope),
        challenges: challengeRepository(q.challenges, scope),
        sessions: sessionRepository(q.sessions, scope),
        tokens: tokenRepository(q.sessions, scope),
        limits: limitRepository(q.limits, scope),
        audit: auditRepository(db, q.audit, scope),
        outbox: outboxRepository(q.outbox, scope),
        maintenance: maintenanceRepository(q.maintenance, scope),
        keys: keyRepository(q.keys, scope),
      };
    }
    return repositories;
  };
  return {
    get users() {
      return repos().users;
    },
    get credentials() {
      return repos().credentials;
    },
    get challenges() {
      return repos().challenges;
    },
    get sessions() {
      return repos().sessions;
    },
    get tokens() {
      return repos().tokens;
    },
    get limits() {
      return repos().limits;
    },
    get audit() {
      return repos().audit;
    },
    get outbox() {
      return repos().outbox;
    },
    get maintenance() {
      return repos().maintenance;
    },
    get keys() {
      return repos().keys;
    },
    transaction: (fn) => runTransaction(db, scope, (inner) => fn(storeFor(db, prepared, inner))),
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
  };
}

async function runTransaction<T>(db: Db, outer: Scope, fn: (inner: Scope) => Promise<T>): Promise<T> {
  const client = db.$client;
  const inner = new Scope(outer.depth + 1, outer);
  const root = outer.depth === 0;
  const savepoint = `store_tx_${inner.depth}`;
  // Leaves the connection as it was before this level began, whatever failed.
  const undo = () => {
    if (!client.inTransaction) return;
    client.exec(root ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
  };
  await outer.gate.acquire();
  try {
    client.exec(root ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    try {
      const result = await openScopes.run([...(openScopes.getStore() ?? []), inner], () => fn(inner));
      inner.end();
      client.exec(root ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (err) {
      inner.end();
      undo();
      throw translateError(err);
    }
  } finally {
    outer.gate.release();
  }
}
