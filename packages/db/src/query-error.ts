import { DrizzleQueryError } from "drizzle-orm/errors";

/**
 * Drizzle's query error writes the query's parameters into its message: an email, a token's
 * or a code's hash, a pending sign-up's password hash. A store's errors end up in logs, so
 * what leaves the store is the driver's own error (what failed, and its code for retries),
 * never the wrapper with the values.
 */
export function withoutQueryValues(error: unknown): unknown {
  if (!(error instanceof DrizzleQueryError)) return error;
  return error.cause instanceof Error ? error.cause : new Error("a database query failed");
}
