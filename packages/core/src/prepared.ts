import type { Db } from "@authsvc/db";
import type { AuthContext } from "./context";

/**
 * Queries built and prepared once per database, then reused. A Drizzle query written
 * inline is rebuilt and its SQL compiled by SQLite on every call; on a token check that
 * was most of the request's CPU time (measured by `pnpm bench`). `build` runs on first
 * use, when the tables exist; bind values with `sql.placeholder(name)`.
 */
export function preparedFor<T>(build: (db: Db) => T): (ctx: AuthContext) => T {
  const byDb = new WeakMap<Db, T>();
  return (ctx) => {
    let queries = byDb.get(ctx.db);
    if (queries === undefined) {
      queries = build(ctx.db);
      byDb.set(ctx.db, queries);
    }
    return queries;
  };
}
