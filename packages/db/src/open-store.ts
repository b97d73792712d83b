import type { Store } from "@authsvc/store";
import { createSqliteDatabase } from "./sqlite/client";
import { createPgDatabase, isPostgresUrl, type PgOpenOptions } from "./pg/client";
import { createPgStore } from "./pg/store";
import { createSqliteStore } from "./sqlite/store";

export interface OpenStoreOptions extends Pick<PgOpenOptions, "poolSize" | "onIdleError"> {
  /** Apply pending migrations before returning (the default). */
  migrate?: boolean;
}

/**
 * The store `DATABASE_URL` names: PostgreSQL for `postgres://` and `postgresql://` (one pool
 * of `poolSize` for the process), else the SQLite file (the embedded default). Migrations are
 * applied first unless `migrate: false`.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(url)) return createPgStore(await createPgDatabase(url, options));
  return createSqliteStore(createSqliteDatabase(url, { migrate: options.migrate }));
}
