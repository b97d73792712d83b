import { createHash, createHmac, createSecretKey, randomBytes, randomInt, timingSafeEqual, type KeyObject } from "node:crypto";

export const sha256 = (value: string): string => createHash("sha256").update(value).digest("base64url");

export const hmac = (key: KeyObject, value: string): string =>
  createHmac("sha256", key).update(value).digest("base64url");

/** Constant-time string compare; unequal lengths still cost one compare. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** A random token of `bytes` bytes, base64url. 32 bytes = 256 bits. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url");

/** `length` decimal digits from a CSPRNG, leading zeros kept. */
export function randomDigits(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += String(randomInt(0, 10));
  return out;
}

/**
 * A separate key per use, so a leak of one derived key exposes nothing else. A KeyObject,
 * made once: from Node 22 on, `createHmac` wraps a Buffer key in a new KeyObject on every
 * call (10 µs against 1.4 µs on Node 24, on every token check).
 */
export const deriveKey = (secret: string, label: string): KeyObject =>
  createSecretKey(createHmac("sha256", secret).update(`authsvc:${label}`).digest());
