import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { safeEqual } from "../crypto/secrets";

/** RFC 6238 as every authenticator app reads it by default: SHA-1, six digits, 30 seconds. */
const ALGORITHM = "SHA1";
const DIGITS = 6;
const PERIOD_SEC = 30;
/** One step either side of now: a phone's clock a little off, or a code typed as it turned. */
const DRIFT_STEPS = 1;
/** Bytes of a new secret: RFC 4226's recommended 160 bits. */
const SECRET_BYTES = 20;
const SEAL_VERSION = "v1";

/** A new shared secret, base32 (what an app's "enter a key" screen takes). */
export const newTotpSecret = (): string => new Secret({ size: SECRET_BYTES }).base32;

/** The `otpauth://` URI a QR code carries: the app shows `issuer (label)`. */
export function totpUri(secretBase32: string, issuer: string, label: string): string {
  return new TOTP({ issuer, label, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SEC, secret: Secret.fromBase32(secretBase32) }).toString();
}

/** The time step a timestamp falls in. */
export const stepAt = (timestampMs: number): number => Math.floor(timestampMs / 1000 / PERIOD_SEC);

/**
 * The step `code` was made for, within one step of `nowMs`, or null. Newest first, so a code
 * that fits two steps (one in a million) counts as the later one, which replay protection
 * then spends.
 */
export function matchingStep(secretBase32: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = Secret.fromBase32(secretBase32);
  const now = stepAt(nowMs);
  for (let delta = DRIFT_STEPS; delta >= -DRIFT_STEPS; delta--) {
    const step = now + delta;
    const expected = TOTP.generate({ secret, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SEC, timestamp: step * PERIOD_SEC * 1000 });
    if (safeEqual(expected, code)) return step;
  }
  return null;
}

/**
 * The secret as stored: AES-256-GCM under a key derived from AUTH_SECRET, bound to its
 * account (the user id is authenticated data), so a row copied to another account or
 * altered does not open.
 */
export function sealSecret(key: KeyObject, userId: number, secretBase32: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`totp:${userId}`));
  const sealed = Buffer.concat([cipher.update(secretBase32, "utf8"), cipher.final()]);
  return `${SEAL_VERSION}.${iv.toString("base64url")}.${sealed.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}`;
}

/** The secret, or null when the sealed value is not one this key sealed for this account. */
export function openSecret(key: KeyObject, userId: number, sealed: string): string | null {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== SEAL_VERSION || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(`totp:${userId}`));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
