import type { Store } from "../store";

/**
 * The one suite every engine passes (packages/db runs it on SQLite and on PostgreSQL):
 * each repository's contract as core relies on it, concurrency included.
 */
export interface ConformanceEngine {
  name: string;
  /** A store on an empty, migrated database of its own; closed by the suite. */
  open(): Promise<Store>;
}
