/**
 * TEMP: a stand-in for core's asymmetric key set (`auth.keys.privateJwks()`, being built on
 * main), until it lands; then this file goes and the provider reads the core's keys.
 * One RS256 and one ES256 key, made by whichever instance needs them first and kept sealed in
 * the Store's kept keys, so every instance signs and publishes the same ones.
 */
import { createCipheriv, createDecipheriv, generateKeyPairSync, hkdfSync, randomBytes } from "node:crypto";
import type { Auth } from "@authsvc/core";
import type { JWK } from "oidc-provider";

const NAME = "oidc-signing-keys-temp";

function sealKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "authsvc", "oidc-temp-signing-keys", 32));
}

function seal(secret: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(secret), iv);
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

function unseal(secret: string, sealed: string): string {
  const [iv, tag, body] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  const decipher = createDecipheriv("aes-256-gcm", sealKey(secret), iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8");
}

function fresh(): JWK[] {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const kid = () => randomBytes(8).toString("base64url");
  return [
    { ...rsa, kid: kid(), alg: "RS256", use: "sig" },
    { ...ec, kid: kid(), alg: "ES256", use: "sig" },
  ] as JWK[];
}

/** The private signing keys, current key of each algorithm first (RS256 always there). */
export async function privateJwks(auth: Auth): Promise<JWK[]> {
  const secret = auth.options.secret;
  const kept = (await auth.ctx.store.keys.get(NAME)) ?? (await auth.ctx.store.keys.keepFirst(NAME, seal(secret, JSON.stringify(fresh())), Date.now()));
  return JSON.parse(unseal(secret, kept)) as JWK[];
}
