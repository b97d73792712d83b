import type { OidcClient, OidcClientRepository, OidcModel, OidcModelRepository } from "@authsvc/store";
import type { Db } from "../client";
import type { Scope } from "./scope";

const modelColumns = `model, id, payload, grant_id AS grantId, uid, user_code AS userCode, expires_at AS expiresAt, consumed_at AS consumedAt`;
const clientColumns = `id, name, redirect_uris AS redirectUris, post_logout_redirect_uris AS postLogoutRedirectUris, kind,
  secret_hash AS secretHash, created_at AS createdAt, revoked_at AS revokedAt`;
// A row past its expiry is not there any more, whether or not the purge has run.
const live = `(expires_at IS NULL OR expires_at > @at)`;

export function prepareOidc(db: Db) {
  const client = db.$client;
  return {
    // A consumed row stays consumed when the library saves it again.
    upsert: client.prepare(
      `INSERT INTO oidc_models (model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES (@model, @id, @payload, @grantId, @uid, @userCode, @expiresAt)
       ON CONFLICT(model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
         user_code = excluded.user_code, expires_at = excluded.expires_at`,
    ),
    find: client.prepare(`SELECT ${modelColumns} FROM oidc_models WHERE model = @model AND id = @id AND ${live}`),
    findByUid: client.prepare(`SELECT ${modelColumns} FROM oidc_models WHERE uid = @uid AND model = @model AND ${live} LIMIT 1`),
    findByUserCode: client.prepare(
      `SELECT ${modelColumns} FROM oidc_models WHERE user_code = @userCode AND model = @model AND ${live} LIMIT 1`,
    ),
    consume: client.prepare(`UPDATE oidc_models SET consumed_at = @at WHERE model = @model AND id = @id AND consumed_at IS NULL`),
    destroy: client.prepare(`DELETE FROM oidc_models WHERE model = @model AND id = @id`),
    revokeByGrantId: client.prepare(`DELETE FROM oidc_models WHERE grant_id = @grantId AND model = @model`),
    insertClient: client.prepare(
      `INSERT INTO oidc_clients (id, name, redirect_uris, post_logout_redirect_uris, kind, secret_hash, created_at)
       VALUES (@id, @name, @redirectUris, @postLogoutRedirectUris, @kind, @secretHash, @createdAt)`,
    ),
    clientById: client.prepare(`SELECT ${clientColumns} FROM oidc_clients WHERE id = ?`),
    listClients: client.prepare(`SELECT ${clientColumns} FROM oidc_clients ORDER BY created_at DESC, id`),
    revokeClient: client.prepare(`UPDATE oidc_clients SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL`),
  };
}

type Queries = ReturnType<typeof prepareOidc>;
type RawModel = Omit<OidcModel, "payload"> & { payload: string };
type RawClient = Omit<OidcClient, "redirectUris" | "postLogoutRedirectUris"> & { redirectUris: string; postLogoutRedirectUris: string };

const modelOf = (raw: unknown): OidcModel | undefined => {
  if (!raw) return undefined;
  const row = raw as RawModel;
  return { ...row, payload: JSON.parse(row.payload) as Record<string, unknown> };
};

const clientOf = (raw: unknown): OidcClient | undefined => {
  if (!raw) return undefined;
  const row = raw as RawClient;
  return {
    ...row,
    redirectUris: JSON.parse(row.redirectUris) as string[],
    postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris) as string[],
  };
};

export function oidcModelRepository(q: Queries, scope: Scope): OidcModelRepository {
  return {
    upsert: (row) =>
      scope.run(() => {
        q.upsert.run({ ...row, payload: JSON.stringify(row.payload) });
      }),
    find: (model, id, at) => scope.run(() => modelOf(q.find.get({ model, id, at }))),
    findByUid: (model, uid, at) => scope.run(() => modelOf(q.findByUid.get({ model, uid, at }))),
    findByUserCode: (model, userCode, at) => scope.run(() => modelOf(q.findByUserCode.get({ model, userCode, at }))),
    consume: (model, id, at) => scope.run(() => q.consume.run({ model, id, at }).changes === 1),
    destroy: (model, id) =>
      scope.run(() => {
        q.destroy.run({ model, id });
      }),
    revokeByGrantId: (model, grantId) => scope.run(() => q.revokeByGrantId.run({ model, grantId }).changes),
  };
}

export function oidcClientRepository(q: Queries, scope: Scope): OidcClientRepository {
  return {
    insert: (c) =>
      scope.run(() => {
        q.insertClient.run({
          ...c,
          redirectUris: JSON.stringify(c.redirectUris),
          postLogoutRedirectUris: JSON.stringify(c.postLogoutRedirectUris),
        });
        return { ...c, revokedAt: null };
      }),
    byId: (id) => scope.run(() => clientOf(q.clientById.get(id))),
    list: () => scope.run(() => q.listClients.all().map((row) => clientOf(row)!)),
    revoke: (id, at) => scope.run(() => q.revokeClient.run({ id, at }).changes === 1),
  };
}
