import type { KeyRepository } from "@authsvc/store";
import type { Db } from "../client";
import type { Scope } from "./scope";

export function prepareKeys(db: Db) {
  const client = db.$client;
  return {
    get: client.prepare(`SELECT value FROM kept_keys WHERE name = ?`).pluck(),
    // The first value kept wins; a later one is dropped and the kept one returned.
    keepFirst: client
      .prepare(
        `INSERT INTO kept_keys (name, value, created_at) VALUES (@name, @value, @at)
         ON CONFLICT(name) DO UPDATE SET name = excluded.name
         RETURNING value`,
      )
      .pluck(),
  };
}

type Queries = ReturnType<typeof prepareKeys>;

export function keyRepository(q: Queries, scope: Scope): KeyRepository {
  return {
    get: (name) => scope.run(() => (q.get.get(name) as string | undefined) ?? undefined),
    keepFirst: (name, value, at) => scope.run(() => q.keepFirst.get({ name, value, at }) as string),
  };
}
