import type { NewOidcModel, OidcModel } from "@authsvc/store";
import type { AuthContext } from "../context";

/**
 * The provider's storage (oidc-provider's adapter, packages/oidc) on the Store, with core's
 * clock: a row is read only while it lives. The store keeps every model in one table, so
 * they hold across instances on PostgreSQL as the rest of our state does.
 */
export interface OidcModels {
  upsert(row: NewOidcModel): Promise<void>;
  find(model: string, id: string): Promise<OidcModel | undefined>;
  findByUid(model: string, uid: string): Promise<OidcModel | undefined>;
  findByUserCode(model: string, userCode: string): Promise<OidcModel | undefined>;
  /** True for the one call that consumed it; false when it was consumed already (a replay, or a race lost). */
  consume(model: string, id: string): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(model: string, grantId: string): Promise<number>;
}

/** Ids the library makes are short; a longer one was never issued, and is not looked up. */
const ID_MAX = 512;
const plausible = (id: unknown): id is string => typeof id === "string" && id.length > 0 && id.length <= ID_MAX && !id.includes("\u0000");

export function oidcModels(ctx: AuthContext): OidcModels {
  const repo = () => ctx.store.oidc;
  return {
    upsert: (row) => repo().upsert(row),
    find: async (model, id) => (plausible(id) ? repo().find(model, id, ctx.now()) : undefined),
    findByUid: async (model, uid) => (plausible(uid) ? repo().findByUid(model, uid, ctx.now()) : undefined),
    findByUserCode: async (model, code) => (plausible(code) ? repo().findByUserCode(model, code, ctx.now()) : undefined),
    consume: async (model, id) => plausible(id) && repo().consume(model, id, ctx.now()),
    destroy: async (model, id) => {
      if (plausible(id)) await repo().destroy(model, id);
    },
    revokeByGrantId: async (model, grantId) => (plausible(grantId) ? repo().revokeByGrantId(model, grantId) : 0),
  };
}
