import type { KeyRepository, SigningKeyRecord } from "@authsvc/store";
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
    signingKeys: client.prepare(
      `SELECT kid, alg, public_jwk AS publicJwk, sealed_private_key AS sealedPrivateKey, created_at AS createdAt, activates_at AS activatesAt
       FROM signing_keys ORDER BY created_at, kid`,
    ),
    addSigningKey: client.prepare(
      `INSERT INTO signing_keys (kid, alg, public_jwk, sealed_private_key, created_at, activates_at)
       VALUES (@kid, @alg, @publicJwk, @sealedPrivateKey, @createdAt, @activatesAt)
       ON CONFLICT(kid) DO NOTHING`,
    ),
    deleteSigningKey: client.prepare(`DELETE FROM signing_keys WHERE kid = ?`),
  };
}

type Queries = ReturnType<typeof prepareKeys>;

export function keyRepository(q: Queries, scope: Scope): KeyRepository {
  return {
    get: (name) => scope.run(() => (q.get.get(name) as string | undefined) ?? undefined),
    keepFirst: (name, value, at) => scope.run(() => q.keepFirst.get({ name, value, at }) as string),
    signingKeys: () => scope.run(() => q.signingKeys.all() as SigningKeyRecord[]),
    addSigningKey: (key) =>
      scope.run(() => {
        q.addSigningKey.run(key);
      }),
    deleteSigningKeys: (kids) => scope.run(() => kids.reduce((n, kid) => n + q.deleteSigningKey.run(kid).changes, 0)),
  };
}
