import { createPublicKey } from "node:crypto";
import { createSqliteStore, createSqliteDatabase } from "@authsvc/testing/sqlite";
import { jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "@authsvc/store";
import { createFirebaseSigner, FIREBASE_AUDIENCE } from "./custom-token";
import { sharedServiceAccount } from "./shared-key";

const SECRET = "shared-key-test-secret-0123456789-abcdef";
const stores: Store[] = [];
function newStore(): Store {
  const store = createSqliteStore(createSqliteDatabase(":memory:"));
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe("sharedServiceAccount", () => {
  it("generates one key per database and gives every instance that same key", async () => {
    const store = newStore();
    const [a, b] = await Promise.all([sharedServiceAccount(store, SECRET), sharedServiceAccount(store, SECRET)]);
    expect(a).toBe(b);
    expect(await sharedServiceAccount(store, SECRET)).toBe(a);
    // Another database is another service: its own key.
    expect(await sharedServiceAccount(newStore(), SECRET)).not.toBe(a);
  });

  it("signs tokens that verify with the public half of the kept key, whichever instance signed", async () => {
    const store = newStore();
    const account = JSON.parse(await sharedServiceAccount(store, SECRET)) as { client_email: string; private_key: string };
    const other = createFirebaseSigner({ firebaseServiceAccount: await sharedServiceAccount(store, SECRET), dataDir: "/nonexistent" });
    const token = await other.sign("42", Date.now());
    const { payload } = await jwtVerify(token, createPublicKey(account.private_key), { audience: FIREBASE_AUDIENCE, issuer: account.client_email });
    expect(payload.uid).toBe("42");
  });

  it("keeps no private key in clear in the database", async () => {
    const store = newStore();
    const account = await sharedServiceAccount(store, SECRET);
    const kept = await store.keys.get("firebase-service-account");
    expect(kept).toBeDefined();
    expect(kept).not.toContain("PRIVATE KEY");
    expect(kept).not.toContain(JSON.parse(account).private_key.split("\n")[1]);
  });

  it("refuses to start with another AUTH_SECRET, naming both settings, rather than sign with a second key", async () => {
    const store = newStore();
    const first = await sharedServiceAccount(store, SECRET);
    await expect(sharedServiceAccount(store, `${SECRET}-other`)).rejects.toThrow(/AUTH_SECRET.*FIREBASE_SERVICE_ACCOUNT/);
    expect(await sharedServiceAccount(store, SECRET)).toBe(first);
  });
});
