/**
 * Known devices (OWASP "device cookies"). Every successful sign-in hands the client a device
 * token: `d1.<userId>.<deviceId>.<mac>`, where `deviceId` is 128 random bits (base64url) and
 * `mac` is HMAC-SHA256 (base64url) of `d1.<userId>.<deviceId>` under a key derived from the
 * signing secret for this use alone (context.ts `keys.device`).
 *
 * A token is no credential: it opens nothing. It only tells the limits that a request comes
 * from a client that once signed in to that account, so that ceilings counted for the account
 * from everywhere (wrong passwords sprayed by strangers) never refuse it; the device is then
 * limited on its own bucket instead. It counts only for the account it was issued to.
 *
 * Nothing is stored: checking one costs an HMAC and no read, on every door. The price is that
 * a token cannot be revoked one by one (changing AUTH_SECRET retires them all). That is
 * acceptable because a token is only obtained by signing in to the account, grants no access,
 * and each token still has its own wrong-password limit.
 */
import type { AuthContext, RequestMeta } from "../context";
import { hmac, randomToken, safeEqual } from "../crypto/secrets";

const VERSION = "d1";
/** 16 random bytes in base64url. */
const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/;
/** A SHA-256 MAC in base64url. */
const MAC = /^[A-Za-z0-9_-]{43}$/;
/** Longer than any token we issue: refused before any work. */
const MAX_LENGTH = 128;

const macOf = (ctx: AuthContext, body: string) => hmac(ctx.keys.device, body);

/** A new device token for `userId`: given at every successful sign-in. */
export function issueDeviceToken(ctx: AuthContext, userId: number): string {
  const body = `${VERSION}.${userId}.${randomToken(16)}`;
  return `${body}.${macOf(ctx, body)}`;
}

/**
 * The device id when `meta.device` is a valid device token issued for `userId`, else null
 * (no token, a malformed or forged one, or another account's). The MAC is compared in
 * constant time.
 */
export function knownDevice(ctx: AuthContext, meta: RequestMeta | undefined, userId: number): string | null {
  const raw = meta?.device;
  if (!raw || raw.length > MAX_LENGTH) return null;
  const parts = raw.split(".");
  if (parts.length !== 4) return null;
  const [version, user, deviceId, mac] = parts as [string, string, string, string];
  if (version !== VERSION || user !== String(userId) || !DEVICE_ID.test(deviceId) || !MAC.test(mac)) return null;
  return safeEqual(macOf(ctx, `${version}.${user}.${deviceId}`), mac) ? deviceId : null;
}
