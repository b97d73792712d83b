/**
 * A TOTP second step's crypto, done by hand for the baseline as the service does it, with the
 * same libraries and keys: the ticket's keyed hash (core's factors/second-step.ts), the
 * known-device token (sessions/device.ts), the secret sealed with AES-256-GCM for its account
 * and the code checked by otpauth one step either side of now (factors/totp.ts).
 */
import { createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { derive, safeEqual } from "./baseline-common";

// Key objects made once, as the service's (a Buffer key is wrapped anew on every HMAC).
const ticketKey = createSecretKey(derive("factor"));
const sealKey = createSecretKey(derive("factor-seal"));
const deviceKey = createSecretKey(derive("device-token"));
const PERIOD_MS = 30_000;

const mac = (key: KeyObject, value: string) => createHmac("sha256", key).update(value).digest("base64url");

export const ticketHash = (id: string, secret: string) => mac(ticketKey, `ticket:${id}:${secret}`);

/** The device id of a device token issued for `userId`, else null. */
export function knownDevice(token: string | undefined, userId: number): string | null {
  const parts = token?.split(".");
  if (parts?.length !== 4) return null;
  const [version, user, id, tag] = parts as [string, string, string, string];
  if (version !== "d1" || user !== String(userId)) return null;
  return safeEqual(mac(deviceKey, `${version}.${user}.${id}`), tag) ? id : null;
}

/** The new device token every sign-in hands out. */
export function deviceToken(userId: number): string {
  const body = `d1.${userId}.${randomBytes(16).toString("base64url")}`;
  return `${body}.${mac(deviceKey, body)}`;
}

/** The base32 secret sealed for `userId` (`v1.iv.body.tag`, the user id authenticated), or null. */
export function openSecret(userId: number, sealed: string): string | null {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKey, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(`totp:${userId}`));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** The time step `code` was made for (SHA-1, six digits, 30 s: otpauth's defaults), one step of drift either way, or null. */
export function totpStep(secretBase32: string, code: string, now: number): number | null {
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secretBase32), timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / PERIOD_MS) + delta;
}
