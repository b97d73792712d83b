import { describe, expect, it } from "vitest";
import type { NewOidcClient, NewOidcModel } from "../records";
import { REDACTED, type PurgeCutoffs } from "../store";
import { T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";
import { useTwoStores } from "./instances";

let serial = 0;
function newModel(overrides: Partial<NewOidcModel> = {}): NewOidcModel {
  serial++;
  return {
    model: "AuthorizationCode",
    id: `code-${serial}-${Math.random().toString(36).slice(2)}`,
    payload: { jti: `code-${serial}`, kind: "AuthorizationCode", scope: "openid email", nested: { list: [1, "two", null] } },
    grantId: "grant-1",
    uid: null,
    userCode: null,
    expiresAt: T0 + 60_000,
    ...overrides,
  };
}

function newClient(overrides: Partial<NewOidcClient> = {}): NewOidcClient {
  serial++;
  return {
    id: `client-${serial}`,
    name: "Shop",
    redirectUris: ["https://shop.example/cb", "https://shop.example/cb2"],
    postLogoutRedirectUris: ["https://shop.example/"],
    kind: "confidential",
    secretHash: "hmac-of-the-secret",
    createdAt: T0,
    ...overrides,
  };
}

/** oidc-provider's adapter (codes, tokens, grants, its sessions) and the registered applications. */
export function oidcConformance(engine: ConformanceEngine) {
  describe("oidc models", () => {
    const store = useStore(engine);

    it("keeps a row whole and finds it by id, uid and user code until it expires", async () => {
      const row = newModel({ model: "Interaction", uid: "uid-1", userCode: "ABCD-EFGH", grantId: null });
      await store().oidc.upsert(row);
      const found = { ...row, consumedAt: null };
      expect(await store().oidc.find("Interaction", row.id, T0)).toEqual(found);
      expect(await store().oidc.findByUid("Interaction", "uid-1", T0)).toEqual(found);
      expect(await store().oidc.findByUserCode("Interaction", "ABCD-EFGH", T0)).toEqual(found);
      // Another model's row of the same id is another row.
      expect(await store().oidc.find("Session", row.id, T0)).toBeUndefined();
      expect(await store().oidc.findByUid("Session", "uid-1", T0)).toBeUndefined();
      // Expired: not there, whether or not the purge has run.
      expect(await store().oidc.find("Interaction", row.id, row.expiresAt!)).toBeUndefined();
      expect(await store().oidc.findByUid("Interaction", "uid-1", row.expiresAt!)).toBeUndefined();
      expect(await store().oidc.findByUserCode("Interaction", "ABCD-EFGH", row.expiresAt! + 1)).toBeUndefined();
    });

    it("keeps a row without expiry until it is destroyed", async () => {
      const row = newModel({ model: "Grant", expiresAt: null });
      await store().oidc.upsert(row);
      expect((await store().oidc.find("Grant", row.id, T0 + 10 ** 12))?.payload).toEqual(row.payload);
      await store().oidc.destroy("Grant", row.id);
      expect(await store().oidc.find("Grant", row.id, T0)).toBeUndefined();
    });

    it("replaces a row on upsert, and a consumed row stays consumed", async () => {
      const row = newModel({ model: "RefreshToken" });
      await store().oidc.upsert(row);
      expect(await store().oidc.consume("RefreshToken", row.id, T0 + 5)).toBe(true);
      const again = { ...row, payload: { changed: true }, expiresAt: T0 + 120_000 };
      await store().oidc.upsert(again);
      expect(await store().oidc.find("RefreshToken", row.id, T0 + 90_000)).toEqual({ ...again, consumedAt: T0 + 5 });
    });

    it("consumes once, also when many race for it; an unknown row is not consumed", async () => {
      const row = newModel();
      await store().oidc.upsert(row);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store().oidc.consume(row.model, row.id, T0 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store().oidc.find(row.model, row.id, T0))?.consumedAt).toBeGreaterThanOrEqual(T0);
      expect(await store().oidc.consume(row.model, "no-such-code", T0)).toBe(false);
    });

    it("revokes a grant's rows of one model only, and no other grant's", async () => {
      const mine = [newModel({ model: "AccessToken", grantId: "g-a" }), newModel({ model: "AccessToken", grantId: "g-a" })];
      const myRefresh = newModel({ model: "RefreshToken", grantId: "g-a" });
      const theirs = newModel({ model: "AccessToken", grantId: "g-b" });
      for (const row of [...mine, myRefresh, theirs]) await store().oidc.upsert(row);
      expect(await store().oidc.revokeByGrantId("AccessToken", "g-a")).toBe(2);
      for (const row of mine) expect(await store().oidc.find("AccessToken", row.id, T0)).toBeUndefined();
      expect(await store().oidc.find("RefreshToken", myRefresh.id, T0)).toBeDefined();
      expect(await store().oidc.find("AccessToken", theirs.id, T0)).toBeDefined();
      expect(await store().oidc.revokeByGrantId("AccessToken", "g-a")).toBe(0);
    });

    it("finds nothing for an id no row has, however it is written", async () => {
      expect(await store().oidc.find("AccessToken", "nul\u0000byte", T0)).toBeUndefined();
      expect(await store().oidc.findByUid("Interaction", "nul\u0000byte", T0)).toBeUndefined();
      expect(await store().oidc.find("AccessToken", "'; DROP TABLE oidc_models; --", T0)).toBeUndefined();
    });

    it("are purged once expired before the grace cutoff, and never without an expiry", async () => {
      const now = T0 + 86_400_000;
      const cutoffs: PurgeCutoffs = {
        now,
        graceCutoff: now - 3_600_000,
        limitCutoff: 0,
        outboxCutoff: 0,
        auditCutoff: null,
        enrolmentCutoff: 0,
        codeMs: 0,
        linkMs: 0,
        redacted: REDACTED,
      };
      const old = [newModel({ expiresAt: cutoffs.graceCutoff - 1 }), newModel({ expiresAt: cutoffs.graceCutoff }), newModel({ expiresAt: 1 })];
      const recent = newModel({ expiresAt: cutoffs.graceCutoff + 1 });
      const forever = newModel({ model: "Grant", expiresAt: null });
      for (const row of [...old, recent, forever]) await store().oidc.upsert(row);
      expect(await store().maintenance.purge("oidcModels", cutoffs, 2)).toBe(2);
      expect(await store().maintenance.purge("oidcModels", cutoffs, 2)).toBe(1);
      expect(await store().maintenance.purge("oidcModels", cutoffs, 2)).toBe(0);
      expect(await store().oidc.find(recent.model, recent.id, 0)).toBeDefined();
      expect(await store().oidc.find("Grant", forever.id, now)).toBeDefined();
    });
  });

  describe("oidc clients", () => {
    const store = useStore(engine);

    it("keeps a client and lists every one, newest first, revoked ones included", async () => {
      const first = await store().oidcClients.insert(newClient());
      expect(first).toEqual({ ...first, revokedAt: null });
      const publicOne = newClient({ kind: "public", secretHash: null, postLogoutRedirectUris: [], createdAt: T0 + 1 });
      await store().oidcClients.insert(publicOne);
      expect(await store().oidcClients.byId(first.id)).toEqual(first);
      expect(await store().oidcClients.byId("nobody")).toBeUndefined();
      expect(await store().oidcClients.byId("nul\u0000")).toBeUndefined();
      expect(await store().oidcClients.revoke(first.id, T0 + 2)).toBe(true);
      expect(await store().oidcClients.revoke(first.id, T0 + 3)).toBe(false);
      expect(await store().oidcClients.revoke("nobody", T0 + 3)).toBe(false);
      expect(await store().oidcClients.list()).toEqual([{ ...publicOne, revokedAt: null }, { ...first, revokedAt: T0 + 2 }]);
    });
  });

  const openTwo = engine.openTwo;
  describe.skipIf(!openTwo)("oidc models, two instances on one database", () => {
    const both = useTwoStores(openTwo!);

    it("consume a code once when they race for it, and each sees what the other wrote", async () => {
      const [a, b] = both();
      const row = newModel();
      await a.oidc.upsert(row);
      expect((await b.oidc.find(row.model, row.id, T0))?.payload).toEqual(row.payload);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).oidc.consume(row.model, row.id, T0 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      await b.oidc.revokeByGrantId(row.model, row.grantId!);
      expect(await a.oidc.find(row.model, row.id, T0)).toBeUndefined();
    });
  });
}
