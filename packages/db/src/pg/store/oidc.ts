import type { OidcClient, OidcClientRepository, OidcModel, OidcModelRepository } from "@authsvc/store";
import { oidcClients, oidcModels } from "../schema";
import { changed, execute, first, inserter, named, rows, selectList } from "./statement";
import type { Bound } from "./bound";

const selectModel = `SELECT ${selectList(oidcModels)} FROM oidc_models`;
// A row past its expiry is not there any more, whether or not the purge has run.
const live = "(expires_at IS NULL OR expires_at > $3)";

// A consumed row stays consumed when the library saves it again.
const upsert = named(
  "oidc_upsert",
  `INSERT INTO oidc_models (model, id, payload, grant_id, uid, user_code, expires_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)
   ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
     user_code = excluded.user_code, expires_at = excluded.expires_at`,
);
const find = named("oidc_find", `${selectModel} WHERE model = $1 AND id = $2 AND ${live}`);
const findByUid = named("oidc_find_by_uid", `${selectModel} WHERE model = $1 AND uid = $2 AND ${live} LIMIT 1`);
const findByUserCode = named("oidc_find_by_user_code", `${selectModel} WHERE model = $1 AND user_code = $2 AND ${live} LIMIT 1`);
// The row lock makes a second consumer wait, then find it consumed.
const consume = named("oidc_consume", "UPDATE oidc_models SET consumed_at = $3 WHERE model = $1 AND id = $2 AND consumed_at IS NULL");
const destroy = named("oidc_destroy", "DELETE FROM oidc_models WHERE model = $1 AND id = $2");
const revokeByGrantId = named("oidc_revoke_by_grant", "DELETE FROM oidc_models WHERE model = $1 AND grant_id = $2");

const selectClient = `SELECT ${selectList(oidcClients)} FROM oidc_clients`;
const insertClient = inserter("oidc_client_insert", oidcClients, { omit: ["revokedAt"], returning: true });
const clientById = named("oidc_client_by_id", `${selectClient} WHERE id = $1`);
const listClients = named("oidc_client_list", `${selectClient} ORDER BY created_at DESC, id`);
const revokeClient = named("oidc_client_revoke", "UPDATE oidc_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL");

export function pgOidcModels({ on }: Bound): OidcModelRepository {
  return {
    upsert: (row) =>
      execute(on, upsert, [row.model, row.id, JSON.stringify(row.payload), row.grantId, row.uid, row.userCode, row.expiresAt]),
    find: (model, id, at) => first<OidcModel>(on, find, [model, id, at]),
    findByUid: (model, uid, at) => first<OidcModel>(on, findByUid, [model, uid, at]),
    findByUserCode: (model, userCode, at) => first<OidcModel>(on, findByUserCode, [model, userCode, at]),
    consume: async (model, id, at) => (await changed(on, consume, [model, id, at])) === 1,
    destroy: (model, id) => execute(on, destroy, [model, id]),
    revokeByGrantId: (model, grantId) => changed(on, revokeByGrantId, [model, grantId]),
  };
}

export function pgOidcClients({ on }: Bound): OidcClientRepository {
  return {
    insert: async (c) => (await first<OidcClient>(on, insertClient.statement, insertClient.values(c)))!,
    byId: (id) => first<OidcClient>(on, clientById, [id]),
    list: () => rows<OidcClient>(on, listClients, []),
    revoke: async (id, at) => (await changed(on, revokeClient, [id, at])) === 1,
  };
}
