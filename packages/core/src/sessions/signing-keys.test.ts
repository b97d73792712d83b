import { createHmac, generateKeyPairSync } from "node:crypto";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { createAuth } from "../auth";
import { authError, fakeClockEachTest, phoneSignIn, tableRows, type TestAuth } from "../test-helpers";
import { createTestAuth, memoryLogger, TEST_ARGON2, TEST_SECRET } from "../testing";
import { KEY_ACTIVATION_DELAY_MS, KEY_REFRESH_MS, type TokenAlg } from "./signing-keys";

const clock = fakeClockEachTest();
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const ASYMMETRIC = ["ES256", "EdDSA"] as const;

async function signedIn(alg: TokenAlg, phone = "0881829915") {
  const t = createTestAuth({ tokenAlg: alg });
  const s = await phoneSignIn(t.auth, phone);
  return { t, token: s.token };
}

/** What another service does: it has only the published set. */
async function verifyElsewhere(jwks: unknown, token: string) {
  return jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: "authsvc", audience: "authsvc", typ: "at+jwt" });
}

/** Another instance on the same store. */
const instance = (t: TestAuth, tokenAlg: TokenAlg, secret = TEST_SECRET) =>
  createAuth({ store: t.store, options: { secret, dataDir: t.dataDir, argon2: TEST_ARGON2, tokenAlg }, logger: memoryLogger() });

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe.each(ASYMMETRIC)("access tokens signed with %s", (alg) => {
  it("carry the kid of a published key, and verify with the published set alone", async () => {
    const { t, token } = await signedIn(alg);
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg, typ: "at+jwt", kid: expect.any(String) });
    const jwks = await t.auth.keys.jwks();
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    for (const k of jwks.keys) expect(Object.keys(k)).not.toEqual(expect.arrayContaining(["d"]));
    const { payload } = await verifyElsewhere(jwks, token);
    expect(payload).toMatchObject({ sub: expect.any(String), sid: expect.any(String), role: "user" });
    expect((await t.auth.authenticate(token)).via).toBe("jwt");
  });

  it("are refused once changed, re-signed by anyone without the key, or with their header rewritten", async () => {
    const { t, token } = await signedIn(alg);
    const [h, p, sig] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const jwks = await t.auth.keys.jwks();
    const kid = decodeProtectedHeader(token).kid;
    const publicJwk = jwks.keys.find((k) => k.kid === kid)!;
    const forged = [
      // A role raised, the signature kept.
      `${h}.${b64({ ...claims, role: "admin" })}.${sig}`,
      // alg "none".
      `${b64({ alg: "none", typ: "at+jwt", kid })}.${p}.`,
      // HS256 keyed with the published key (the classic algorithm confusion).
      (() => {
        const head = b64({ alg: "HS256", typ: "at+jwt", kid });
        return `${head}.${p}.${createHmac("sha256", JSON.stringify(publicJwk)).update(`${head}.${p}`).digest("base64url")}`;
      })(),
      // The same header with its members in another order.
      `${b64({ kid, alg, typ: "at+jwt" })}.${p}.${sig}`,
      // Signed with a key of the same algorithm that is not ours, under our kid.
      await new SignJWT(claims)
        .setProtectedHeader({ alg, typ: "at+jwt", kid })
        .sign(alg === "ES256" ? generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey : generateKeyPairSync("ed25519").privateKey),
    ];
    for (const f of forged) expect((await authError(t.auth.authenticate(f))).code).toBe("UNAUTHORIZED");
    expect((await t.auth.authenticate(token)).via).toBe("jwt");
  });

  it("keeps the private key sealed in the store: another AUTH_SECRET cannot use it", async () => {
    const { t } = await signedIn(alg);
    const rows = await tableRows(t, "signing_keys");
    expect(rows.map((r) => r.alg).sort()).toEqual([alg, "RS256"].sort());
    for (const r of rows) {
      expect(String(r.sealed_private_key)).not.toMatch(/PRIVATE KEY|"d":/);
      expect(JSON.parse(String(r.public_jwk))).not.toHaveProperty("d");
    }
    const other = instance(t, alg, `${TEST_SECRET}-another`);
    await expect(other.keys.jwks()).rejects.toThrow(/cannot be opened/);
  });
});

describe("the first keys", () => {
  it("are one per algorithm however many instances start together", async () => {
    const t = createTestAuth({ tokenAlg: "EdDSA" });
    const instances = [t.auth, instance(t, "EdDSA"), instance(t, "EdDSA"), instance(t, "EdDSA")];
    const refreshes = await Promise.all(instances.map((a) => a.keys.start()));
    stops.push(...refreshes.map((r) => () => r.stop()));
    const kept = await t.auth.keys.list();
    expect(kept.map((k) => k.alg).sort()).toEqual(["EdDSA", "RS256"]);
    for (const a of instances) expect((await a.keys.jwks()).keys.map((k) => k.kid).sort()).toEqual(kept.map((k) => k.kid).sort());
  });
});

describe("rotation", () => {
  it("publishes the new key at once, signs with it after the delay, and old tokens verify until retired", async () => {
    const { t, token: before } = await signedIn("ES256");
    const oldKid = decodeProtectedHeader(before).kid;
    const [fresh] = (await t.auth.keys.rotate()).filter((k) => k.alg === "ES256");
    expect(fresh!.kid).not.toBe(oldKid);
    expect((await t.auth.keys.jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, fresh!.kid]));

    // Not signing yet: an instance that has not read the new key still can check every token.
    const during = await phoneSignIn(t.auth, "0881829916");
    expect(decodeProtectedHeader(during.token).kid).toBe(oldKid);

    clock.advanceSec(KEY_ACTIVATION_DELAY_MS / 1000);
    const after = await phoneSignIn(t.auth, "0881829917");
    expect(decodeProtectedHeader(after.token).kid).toBe(fresh!.kid);
    const jwks = await t.auth.keys.jwks();
    for (const token of [before, during.token, after.token]) await verifyElsewhere(jwks, token);

    // The replaced key stays while a token it signed may live, then goes.
    expect(await t.auth.keys.retire()).toEqual([]);
    clock.advanceSec(t.auth.options.accessTokenTtlSec);
    expect(await t.auth.keys.retire()).toEqual([]);
    clock.advanceSec(Math.max(0, t.auth.options.oidc.idTokenTtlSec - t.auth.options.accessTokenTtlSec) + 60);
    // The rotation replaced the OpenID provider's RS256 key too: both old keys go.
    expect((await t.auth.purgeExpired()).signingKeys).toBe(2);
    expect((await t.auth.keys.jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);
    expect((await t.auth.keys.list()).map((k) => k.kid).sort()).toEqual((await t.auth.keys.jwks()).keys.map((k) => k.kid).sort());
    expect((await t.auth.keys.list()).map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
  });

  it("gives a signer that takes the first key of an algorithm the one signing now, never one not active yet", async () => {
    const { t } = await signedIn("EdDSA");
    const first = await t.auth.keys.list();
    const current = (alg: string) => first.find((k) => k.alg === alg)!.kid;
    const before = await t.auth.keys.privateJwks();
    expect(before.map((k) => k.kid).sort()).toEqual(first.map((k) => k.kid).sort());
    for (const k of before) expect(k).toMatchObject({ d: expect.any(String), use: "sig" });

    const fresh = await t.auth.keys.rotate();
    const kidsOf = async () => (await t.auth.keys.privateJwks()).map((k) => k.kid);
    expect((await kidsOf()).sort()).toEqual(first.map((k) => k.kid).sort());
    clock.advanceSec(KEY_ACTIVATION_DELAY_MS / 1000);
    const after = await t.auth.keys.privateJwks();
    const firstOf = (alg: string) => after.find((k) => k.alg === alg)!.kid;
    for (const k of fresh) expect(firstOf(k.alg)).toBe(k.kid);
    expect(after.map((k) => k.kid)).toEqual(expect.arrayContaining([current("EdDSA"), current("RS256")]));
  });

  it("reaches another instance on the same store within the refresh interval", async () => {
    const { t } = await signedIn("EdDSA");
    const other = instance(t, "EdDSA");
    const refresh = await other.keys.start();
    stops.push(() => refresh.stop());
    clock.advanceSec(1);
    const [fresh] = (await t.auth.keys.rotate({ activateInMs: 0 })).filter((k) => k.alg === "EdDSA");
    const token = (await phoneSignIn(t.auth, "0881829918")).token;
    expect(decodeProtectedHeader(token).kid).toBe(fresh!.kid);
    clock.advanceSec(KEY_REFRESH_MS / 1000);
    await refresh.tick();
    expect((await other.authenticate(token)).via).toBe("jwt");
  });

  it("keeps HS256 tokens working after the algorithm changes, and keys of either kind after a change back", async () => {
    const { t, token: hmacToken } = await signedIn("HS256");
    expect(decodeProtectedHeader(hmacToken)).toEqual({ alg: "HS256", typ: "at+jwt" });
    const es = instance(t, "ES256");
    const esToken = (await phoneSignIn(es, "0881829919")).token;
    expect((await es.authenticate(hmacToken)).via).toBe("jwt");
    await t.auth.keys.jwks();
    expect((await t.auth.authenticate(esToken)).via).toBe("jwt");
  });
});
