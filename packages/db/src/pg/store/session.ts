import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase } from "drizzle-orm/pg-core";
import type * as schema from "../schema";

/** What the repositories run on: the pool itself, or one transaction (or savepoint) of it. */
export type PgSession = PgDatabase<NodePgQueryResultHKT, typeof schema>;

/**
 * A repository's session and whether it is a transaction's. In a transaction a read of one
 * row locks it (FOR NO KEY UPDATE) until the end: a body that reads a row and then writes it
 * makes any other transaction reading that row wait for it, then read what it wrote, so two
 * such bodies run one after the other without a failure to retry. Outside one, reads lock
 * nothing (a token check is one plain SELECT).
 */
export interface Bound {
  db: PgSession;
  locking: boolean;
}

/** `query` with the lock a read takes in a transaction, and a prepared name per variant. */
export function lockedIn<Q extends { for(strength: "no key update"): Q; prepare(name: string): unknown }>(
  bound: Bound,
  query: Q,
  name: string,
): ReturnType<Q["prepare"]> {
  const prepared = bound.locking ? query.for("no key update").prepare(`authsvc_${name}_locked`) : query.prepare(`authsvc_${name}`);
  return prepared as ReturnType<Q["prepare"]>;
}

/**
 * A prepared statement made on first use and kept for the life of its session. node-postgres
 * parses a named statement once per connection; later runs send only the values.
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
