import type { OidcModels } from "@authsvc/core";
import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import type { ClientStore } from "./clients";

/** The models that hang off a grant: revoked together when one of them is replayed. */
const GRANT_MODELS = ["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"] as const;

/**
 * oidc-provider's storage on our Store (core's OidcModels): one row per model and id, so codes,
 * tokens, grants, the provider's sessions and interactions hold across instances on
 * PostgreSQL. Clients are not stored here: they come from the registered applications.
 */
export function storeAdapter(models: OidcModels, clients: ClientStore) {
  return (name: string): Adapter => {
    if (name === "Client") return clientAdapter(clients);
    const toPayload = (row: Awaited<ReturnType<OidcModels["find"]>>): AdapterPayload | undefined =>
      row && { ...(row.payload as AdapterPayload), ...(row.consumedAt !== null ? { consumed: Math.floor(row.consumedAt / 1000) } : {}) };
    return {
      async upsert(id, payload, expiresIn) {
        await models.upsert({
          model: name,
          id,
          payload: payload as Record<string, unknown>,
          grantId: payload.grantId ?? null,
          uid: payload.uid ?? null,
          userCode: payload.userCode ?? null,
          expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null,
        });
      },
      find: async (id) => toPayload(await models.find(name, id)),
      findByUid: async (uid) => toPayload(await models.findByUid(name, uid)),
      findByUserCode: async (userCode) => toPayload(await models.findByUserCode(name, userCode)),
      async consume(id) {
        if (await models.consume(name, id)) return;
        // The library checks `consumed` before it consumes; a second use that got past that
        // check (two requests at once, or two instances) lost the race here. It is a replay
        // as much as the later one the library catches, so it ends the same way: the grant's
        // tokens are revoked and the request refused.
        const row = await models.find(name, id);
        const grantId = typeof row?.payload.grantId === "string" ? row.payload.grantId : undefined;
        if (grantId) await revokeGrant(models, grantId);
        throw new errors.InvalidGrant(`${name} already consumed`);
      },
      destroy: (id) => models.destroy(name, id),
      async revokeByGrantId(grantId) {
        await models.revokeByGrantId(name, grantId);
      },
    };
  };
}

async function revokeGrant(models: OidcModels, grantId: string): Promise<void> {
  await Promise.all([...GRANT_MODELS.map((model) => models.revokeByGrantId(model, grantId)), models.destroy("Grant", grantId)]);
}

function clientAdapter(clients: ClientStore): Adapter {
  const none = async () => undefined;
  return {
    find: (id) => clients.metadata(id),
    // Applications are registered by an operator (pnpm oidc:client), never through the provider.
    upsert: none,
    findByUid: none,
    findByUserCode: none,
    consume: none,
    destroy: none,
    revokeByGrantId: none,
  };
}
