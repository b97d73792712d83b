import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

export const sha256 = (value: string): string => createHash("sha256").update(value).digest("base64url");

export const hmac = (key: Buffer | string, value: string): string =>
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

/** A separate key per use, so a leak of one derived key exposes nothing else. */
export const deriveKey = (secret: string, label: string): Buffer =>
  createHmac("sha256", secret).update(`authsvc:${label}`).digest();
