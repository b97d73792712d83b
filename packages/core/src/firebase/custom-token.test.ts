import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jwtVerify } from "jose";
import { authError, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";
import { FIREBASE_AUDIENCE } from "./custom-token";

async function twoUsers() {
  const t = createTestAuth();
  const ana = await signUp(t.auth, { email: "ana@example.com" });
  const bo = await signUp(t.auth, { email: "bo@example.com" });
  return { ...t, ana, bo };
}

/** Verifies with the public half of the key kept in the data folder. */
async function verifyFirebase(dataDir: string, token: string) {
  const account = JSON.parse(readFileSync(path.join(dataDir, "firebase-service-account.json"), "utf8"));
  const publicKey = createPublicKey(account.private_key);
  const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
    algorithms: ["RS256"],
    issuer: account.client_email,
    subject: account.client_email,
    audience: FIREBASE_AUDIENCE,
  });
  return { payload, protectedHeader, clientEmail: account.client_email as string };
}

describe("firebaseToken", () => {
  it("signs a custom token for one's own id that verifies with the service account's key", async () => {
    const t = await twoUsers();
    const token = await t.auth.firebaseToken((await t.auth.authenticate(t.ana.token)), t.ana.user.id);
    const { payload, protectedHeader, clientEmail } = await verifyFirebase(t.dataDir, token);
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.uid).toBe(String(t.ana.user.id));
    expect(payload.iss).toBe(clientEmail);
    expect(payload.sub).toBe(clientEmail);
    expect(clientEmail).toBe(t.auth.firebaseClientEmail());
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(3600);
    expect(payload.exp! - payload.iat!).toBeGreaterThan(0);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it("works with an opaque bearer token too", async () => {
    const t = await twoUsers();
    await t.auth.requestPhoneCode({ phone: "0881829915", createIfMissing: true });
    const s = await t.auth.loginWithPhoneCode({ phone: "0881829915", code: (await t.auth.listOutbox("0881829915"))[0]!.code! }, { type: "bearer" });
    const token = await t.auth.firebaseToken((await t.auth.authenticate(s.token)), s.user.id);
    expect((await verifyFirebase(t.dataDir, token)).payload.uid).toBe(String(s.user.id));
  });

  it("answers UNAUTHORIZED for another user's id", async () => {
    const t = await twoUsers();
    expect((await authError(t.auth.firebaseToken((await t.auth.authenticate(t.ana.token)), t.bo.user.id))).code).toBe("UNAUTHORIZED");
    // An unknown id tells a non-admin nothing either.
    expect((await authError(t.auth.firebaseToken((await t.auth.authenticate(t.ana.token)), 999_999))).code).toBe("UNAUTHORIZED");
  });

  it("lets an admin ask for anyone, and answers USER_NOT_FOUND for an unknown id", async () => {
    const t = await twoUsers();
    await t.store.users.update(t.ana.user.id, { role: "admin" });
    const admin = (await t.auth.authenticate(t.ana.token));
    const token = await t.auth.firebaseToken(admin, t.bo.user.id);
    expect((await verifyFirebase(t.dataDir, token)).payload.uid).toBe(String(t.bo.user.id));
    expect((await authError(t.auth.firebaseToken(admin, 999_999))).code).toBe("USER_NOT_FOUND");
  });

  it("keeps using the same key (generated once in the data folder)", async () => {
    const t = await twoUsers();
    const first = await t.auth.firebaseToken((await t.auth.authenticate(t.ana.token)), t.ana.user.id);
    const keyFile = readFileSync(path.join(t.dataDir, "firebase-service-account.json"), "utf8");
    // A second Auth over the same data folder reads the same key.
    const other = createTestAuth({ dataDir: t.dataDir });
    const s = await signUp(other.auth, { email: "cy@example.com" });
    const second = await other.auth.firebaseToken((await other.auth.authenticate(s.token)), s.user.id);
    expect(readFileSync(path.join(t.dataDir, "firebase-service-account.json"), "utf8")).toBe(keyFile);
    await verifyFirebase(t.dataDir, first);
    await verifyFirebase(t.dataDir, second);
  });

  it("refuses a reset-link token", async () => {
    const t = await twoUsers();
    await t.auth.requestPasswordReset({ identifier: "ana@example.com" });
    const link = /token=([^\s]+)/.exec((await t.auth.listOutbox("ana@example.com"))[0]!.text)![1]!;
    const p = (await t.auth.authenticate(decodeURIComponent(link)));
    expect((await authError(t.auth.firebaseToken(p, t.ana.user.id))).code).toBe("UNAUTHORIZED");
  });
});
