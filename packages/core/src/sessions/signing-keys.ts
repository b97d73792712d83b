import { createPrivateKey, createPublicKey, generateKeyPair as generateKeyPairCb, sign, verify, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint, type JWK } from "jose";
import type { SigningAlg, SigningKeyRecord } from "@authsvc/store";
import { every, type Background } from "../background";
import type { AuthContext } from "../context";
import { openText, sealText } from "../crypto/sealed-text";
import type { AuthOptions } from "../options";

const generateKeyPair = promisify(generateKeyPairCb);

/** How access tokens are signed: HS256 (a key derived from AUTH_SECRET, so only this service can check them), or a published key. */
export const TOKEN_ALGS = ["HS256", "ES256", "EdDSA"] as const;
export type TokenAlg = (typeof TOKEN_ALGS)[number];

/** How often every instance reads the key set again: a rotation made anywhere reaches it within this. */
export const KEY_REFRESH_MS = 5_000;
/** How long a verifier or a proxy may keep `/.well-known/jwks.json` (its Cache-Control max-age). */
export const JWKS_MAX_AGE_SEC = 30;
/**
 * A new key is published this long before it signs anything, so that it is known before a
 * token carrying it can arrive: by every instance (each reads the set every KEY_REFRESH_MS),
 * and by every other service, whose copy of the published set is at most JWKS_MAX_AGE_SEC
 * old, or which fetches it again on an unknown kid (jose's createRemoteJWKSet waits 30 s
 * between two fetches).
 */
export const KEY_ACTIVATION_DELAY_MS = 60_000;
/** Clocks of instances and verifiers may differ by this much; a retired key waits for it too. */
export const KEY_CLOCK_SKEW_SEC = 60;

/** The sealing name of every private signing key (crypto/sealed-text.ts). */
const SEAL_NAME = "signing-key";
/** The protected header of an access token; `typ` as RFC 9068 says. */
export const ACCESS_TOKEN_TYP = "at+jwt";

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as published: `kty`, its key members, `kid`, `alg`, `use`. */
  publicJwk: JWK;
  createdAt: number;
  activatesAt: number;
  /** The encoded protected header of an access token signed with this key: a token's header is compared as text. */
  accessTokenHeader: string;
}

/** What an instance knows of the key set; replaced whole when read again. */
export interface KeySet {
  /** Oldest first. */
  keys: readonly SigningKey[];
  byHeader: ReadonlyMap<string, SigningKey>;
  readAt: number;
}

/** The key set's state in a context: what was read last, and a read in flight. */
export interface KeyState {
  set: KeySet | undefined;
  reading: Promise<KeySet> | undefined;
  /** Keys opened before, by kid: a read opens only the new ones. */
  opened: Map<string, SigningKey>;
}

export const newKeyState = (): KeyState => ({ set: undefined, reading: undefined, opened: new Map() });

export const encodeHeader = (header: Record<string, string>): string => Buffer.from(JSON.stringify(header)).toString("base64url");

/** The algorithms the service keeps a key of: the access tokens' (when not HS256) and RS256, the one every OpenID Connect client accepts. */
export function algorithmsInUse(options: AuthOptions): SigningAlg[] {
  return options.tokenAlg === "HS256" ? ["RS256"] : [options.tokenAlg, "RS256"];
}

async function newKeyPair(alg: SigningAlg): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (alg === "ES256") return generateKeyPair("ec", { namedCurve: "P-256" });
  if (alg === "EdDSA") return generateKeyPair("ed25519");
  return generateKeyPair("rsa", { modulusLength: 2048 });
}

/** A new key of `alg`, sealed for the store; the kid is the key's RFC 7638 thumbprint. */
async function newKeyRecord(secret: string, alg: SigningAlg, createdAt: number, activatesAt: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await newKeyPair(alg);
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  const privatePem = privateKey.export({ format: "pem", type: "pkcs8" }) as string;
  return {
    kid,
    alg,
    publicJwk: JSON.stringify({ ...jwk, kid, alg, use: "sig" }),
    sealedPrivateKey: sealText(secret, `${SEAL_NAME}:${kid}`, privatePem),
    createdAt,
    activatesAt,
  };
}

function openKey(secret: string, r: SigningKeyRecord): SigningKey {
  const privateKey = createPrivateKey(openText(secret, `${SEAL_NAME}:${r.kid}`, r.sealedPrivateKey));
  return {
    kid: r.kid,
    alg: r.alg,
    privateKey,
    publicKey: createPublicKey(privateKey),
    publicJwk: JSON.parse(r.publicJwk) as JWK,
    createdAt: r.createdAt,
    activatesAt: r.activatesAt,
    accessTokenHeader: encodeHeader({ alg: r.alg, typ: ACCESS_TOKEN_TYP, kid: r.kid }),
  };
}

/** Reads the set from the store; keys opened before are reused. One read at a time per context. */
export function readKeys(ctx: AuthContext): Promise<KeySet> {
  const state = ctx.signingKeys;
  state.reading ??= (async () => {
    try {
      const records = await ctx.store.keys.signingKeys();
      const keys = records.map((r) => state.opened.get(r.kid) ?? openKey(ctx.options.secret, r));
      state.opened = new Map(keys.map((k) => [k.kid, k]));
      const set: KeySet = { keys, byHeader: new Map(keys.map((k) => [k.accessTokenHeader, k])), readAt: ctx.now() };
      state.set = set;
      return set;
    } finally {
      state.reading = undefined;
    }
  })();
  return state.reading;
}

/**
 * The set as last read, reading it first when never read or when the refresh (startKeyRefresh)
 * has missed a beat: without one running (a script, a test), at most every two intervals.
 */
async function freshKeys(ctx: AuthContext): Promise<KeySet> {
  const set = ctx.signingKeys.set;
  return set && ctx.now() - set.readAt < 2 * KEY_REFRESH_MS ? set : readKeys(ctx);
}

/** The key of `alg` that signs now: the newest whose activation has come. */
export function signingKeyOf(set: KeySet, alg: SigningAlg, now: number): SigningKey | undefined {
  let current: SigningKey | undefined;
  for (const k of set.keys) if (k.alg === alg && k.activatesAt <= now && (!current || k.activatesAt >= current.activatesAt)) current = k;
  return current;
}

/**
 * Gives every algorithm in use a key when it has none yet (the first start), active at once:
 * no token can carry a key nobody has. Instances starting together on one database agree on
 * one: each claims the algorithm's first key under a kept name, and only the winner's key is
 * kept, in the same transaction, so a loser reads it once its claim returns.
 */
export async function ensureKeys(ctx: AuthContext): Promise<KeySet> {
  const set = await readKeys(ctx);
  const now = ctx.now();
  const missing = algorithmsInUse(ctx.options).filter((alg) => !set.keys.some((k) => k.alg === alg));
  if (missing.length === 0) return set;
  const records = await Promise.all(missing.map((alg) => newKeyRecord(ctx.options.secret, alg, now, now)));
  for (const r of records) {
    await ctx.store.transaction(async (tx) => {
      if ((await tx.keys.keepFirst(`first-signing-key:${r.alg}`, r.kid, now)) === r.kid) await tx.keys.addSigningKey(r);
    });
  }
  return readKeys(ctx);
}

/** The key access tokens are signed with now (options.tokenAlg must be asymmetric). */
export async function accessTokenKey(ctx: AuthContext): Promise<SigningKey> {
  const alg = ctx.options.tokenAlg;
  if (alg === "HS256") throw new Error("HS256 tokens are signed with AUTH_SECRET's key, not a kept one");
  // The clock is read after each read of the set: making the first keys takes a while, and
  // they are active from when they were made.
  const key = signingKeyOf(await freshKeys(ctx), alg, ctx.now()) ?? signingKeyOf(await ensureKeys(ctx), alg, ctx.now());
  if (!key) throw new Error(`no ${alg} signing key is active`);
  return key;
}

/**
 * A new key for every algorithm in use, published now and signing from `activateInMs` on
 * (KEY_ACTIVATION_DELAY_MS by default: every instance has read it by then). The keys it
 * replaces keep verifying until `retireKeys` finds their last tokens expired.
 */
export async function rotateKeys(ctx: AuthContext, opts: { activateInMs?: number } = {}): Promise<SigningKey[]> {
  const set = await readKeys(ctx);
  const algs = new Set<SigningAlg>([...algorithmsInUse(ctx.options), ...set.keys.map((k) => k.alg)]);
  const now = ctx.now();
  const activatesAt = now + Math.max(0, opts.activateInMs ?? KEY_ACTIVATION_DELAY_MS);
  const records = await Promise.all([...algs].map((alg) => newKeyRecord(ctx.options.secret, alg, now, activatesAt)));
  for (const r of records) await ctx.store.keys.addSigningKey(r);
  const after = await readKeys(ctx);
  return after.keys.filter((k) => records.some((r) => r.kid === k.kid));
}

/**
 * How long a replaced key must keep verifying: the longest life of a token it can have
 * signed (access tokens, and the OpenID provider's ID tokens), plus the clocks' skew.
 */
export const keyOverlapMs = (options: AuthOptions): number =>
  (Math.max(options.accessTokenTtlSec, options.oidc.idTokenTtlSec) + KEY_CLOCK_SKEW_SEC) * 1000;

/**
 * The keys no token still alive can carry: a newer key of the same algorithm has been signing
 * for longer than the overlap. The signing key of each algorithm is never among them.
 */
export function retirableKeys(set: KeySet, now: number, overlapMs: number): SigningKey[] {
  return set.keys.filter((k) =>
    set.keys.some((newer) => newer.alg === k.alg && newer.activatesAt > k.activatesAt && newer.activatesAt + overlapMs <= now),
  );
}

/** Deletes the keys `retirableKeys` names; their kids. The purge runs it, and `pnpm keys:retire`. */
export async function retireKeys(ctx: AuthContext): Promise<string[]> {
  const set = await readKeys(ctx);
  const kids = retirableKeys(set, ctx.now(), keyOverlapMs(ctx.options)).map((k) => k.kid);
  if (kids.length === 0) return [];
  await ctx.store.keys.deleteSigningKeys(kids);
  await readKeys(ctx);
  return kids;
}

/**
 * The published set (`/.well-known/jwks.json`): every kept key's public half, the ones not
 * signing yet included; as last read (at most KEY_REFRESH_MS ago), so that a flood of requests
 * for it does not reach the store.
 */
export async function publicJwks(ctx: AuthContext): Promise<{ keys: JWK[] }> {
  return { keys: (await freshKeys(ctx)).keys.map((k) => k.publicJwk) };
}

/**
 * The private keys, as JWKs, for a signer that picks the first key of an algorithm (the
 * OpenID provider): each algorithm's signing key first, then the older ones it may still
 * have to verify; keys not active yet are left out.
 */
export async function privateJwks(ctx: AuthContext): Promise<JWK[]> {
  const set = await freshKeys(ctx);
  const now = ctx.now();
  const active = set.keys.filter((k) => k.activatesAt <= now);
  const signing = new Set(algorithmsInUse(ctx.options).map((alg) => signingKeyOf(set, alg, now)));
  const ordered = [...active.filter((k) => signing.has(k)), ...active.filter((k) => !signing.has(k)).reverse()];
  const order = ordered.map((k) => k.kid).join(" ");
  const memo = exported.get(set);
  if (memo?.order === order) return memo.jwks;
  const jwks = ordered.map((k) => ({ ...(k.privateKey.export({ format: "jwk" }) as JWK), kid: k.kid, alg: k.alg, use: "sig" }));
  exported.set(set, { order, jwks });
  return jwks;
}

/** privateJwks' answer per set read, while its keys and their order stay the same: a caller may ask on every request. */
const exported = new WeakMap<KeySet, { order: string; jwks: JWK[] }>();

/** Signs `input` (the JWS signing input) with `key`, base64url, as JWS wants each algorithm's signature. */
export function signWith(key: SigningKey, input: string): string {
  const data = Buffer.from(input);
  if (key.alg === "EdDSA") return sign(null, data, key.privateKey).toString("base64url");
  if (key.alg === "ES256") return sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
  return sign("sha256", data, key.privateKey).toString("base64url");
}

/** Checks a JWS signature made by `signWith`. */
export function verifiedWith(key: SigningKey, input: string, signature: string): boolean {
  const data = Buffer.from(input);
  const sig = Buffer.from(signature, "base64url");
  if (key.alg === "EdDSA") return verify(null, data, key.publicKey, sig);
  if (key.alg === "ES256") return verify("sha256", data, { key: key.publicKey, dsaEncoding: "ieee-p1363" }, sig);
  return verify("sha256", data, key.publicKey, sig);
}

/**
 * Reads the set now and every KEY_REFRESH_MS, so a rotation made by `pnpm keys:rotate` or
 * another instance is known here within seconds; the server runs it from its start.
 */
export async function startKeyRefresh(ctx: AuthContext): Promise<Background> {
  await ensureKeys(ctx);
  return every(ctx, KEY_REFRESH_MS, "signing key refresh", () => readKeys(ctx));
}
