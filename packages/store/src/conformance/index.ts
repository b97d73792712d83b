import { describe } from "vitest";
import type { Store } from "../store";
import { auditConformance } from "./audit";
import { challengeConformance } from "./challenges";
import { factorConformance } from "./factors";
import { failureConformance } from "./failures";
import { instanceConformance } from "./instances";
import { keyConformance } from "./keys";
import { limitConformance } from "./limits";
import { maintenanceConformance } from "./maintenance";
import { oidcConformance } from "./oidc";
import { outboxConformance } from "./outbox";
import { sessionConformance } from "./sessions";
import { transactionConformance } from "./transactions";
import { userConformance } from "./users";

/** For an engine's own tests beside the suite. */
export { newUser } from "./fixtures";

/**
 * The one suite every engine passes (packages/db runs it on SQLite and on PostgreSQL):
 * each repository's contract as core relies on it, concurrency included.
 */
export interface ConformanceEngine {
  name: string;
  /** A store on an empty, migrated database of its own; closed by the suite. */
  open(): Promise<Store>;
  /**
   * Two stores on one empty, migrated database, each on connections of its own, as two
   * instances of the service would open it (PostgreSQL: two pools; SQLite: two connections to
   * one file); closed by the suite. Without it the races between instances are skipped.
   */
  openTwo?(): Promise<[Store, Store]>;
  /**
   * Whether a transaction of one of those stores may wait for a transaction of the other. Not
   * SQLite's in one process: a connection waiting for the write lock blocks the thread the
   * holder needs to commit (separate processes wait their turn instead).
   */
  transactionsWaitAcrossInstances?: boolean;
}

/**
 * Declares the suite (vitest `describe`/`it`) for one engine. Concurrent calls go through
 * `Promise.all`: on PostgreSQL they are real concurrent connections, on SQLite they
 * interleave at the awaits, and either way the store must count, consume and claim once.
 */
export function describeStoreConformance(engine: ConformanceEngine): void {
  describe(`Store conformance: ${engine.name}`, () => {
    userConformance(engine);
    challengeConformance(engine);
    sessionConformance(engine);
    limitConformance(engine);
    auditConformance(engine);
    outboxConformance(engine);
    maintenanceConformance(engine);
    keyConformance(engine);
    factorConformance(engine);
    oidcConformance(engine);
    transactionConformance(engine);
    failureConformance(engine);
    instanceConformance(engine);
  });
}
