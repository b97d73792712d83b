import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase } from "drizzle-orm/pg-core";
import type * as schema from "../schema";
import type { LockableRead, Queryable, Statement } from "./statement";

/** Drizzle over the pool or one transaction's connection, for what is built per call: off the hot paths. */
export type PgSession = PgDatabase<NodePgQueryResultHKT, typeof schema>;

/**
 * A repository's connection and whether it is a transaction's. In a transaction a read of one
 * row locks it (FOR NO KEY UPDATE) until the end: a body that reads a row and then writes it
 * makes any other transaction reading that row wait for it, then read what it wrote, so two
 * such bodies run one after the other without a failure to retry. Outside one, reads lock
 * nothing (a token check is one plain SELECT).
 */
export interface Bound {
  /** Where the named statements run. */
  on: Queryable;
  /** Drizzle on the same connection, made when first asked for. */
  db: () => PgSession;
  locking: boolean;
  /**
   * Runs `work`'s statements all or nothing, on one connection: in the transaction when bound to
   * one, else in a transaction of their own (run again after a deadlock, as `transaction` is).
   */
  atomically<T>(work: (on: Queryable) => Promise<T>): Promise<T>;
}

/** The variant of `read` for the bound: locking in a transaction. */
export const readOf = (bound: Bound, read: LockableRead): Statement => (bound.locking ? read.locked : read.plain);

/** Made on first use, then kept. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
