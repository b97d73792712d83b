import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase } from "drizzle-orm/pg-core";
import type * as schema from "../schema";

/** What the repositories run on: the pool itself, or one transaction (or savepoint) of it. */
export type PgSession = PgDatabase<NodePgQueryResultHKT, typeof schema>;

/**
 * A prepared statement made on first use and kept for the life of its session. node-postgres
 * parses a named statement once per connection; later runs send only the values.
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
