import type { AuthContext, RequestMeta } from "../context";
import { knownDevice } from "../sessions/device";
import { addressGroup } from "./address";

/**
 * Who is asking, for the limits that must not let one person's requests spend another's:
 * a code's cooldown, caps and wrong tries, and shares of budgets everybody draws on. It is
 * a known device of the account concerned (sessions/device.ts: a token from an earlier
 * sign-in to that account), else the client's address group (an IPv6 /64 is one client); a
 * caller with neither (an in-process caller) is one requester of its own.
 */
export interface Requester {
  /** Ends with a delimiter, so it can close a limit key that is ever reset by prefix. */
  key: string;
  /** A device the account's owner signed in on: account-wide and per-destination ceilings never refuse it. */
  knownDevice: boolean;
}

export function requesterOf(ctx: AuthContext, meta: RequestMeta | undefined, userId?: number | null): Requester {
  const device = userId == null ? null : knownDevice(ctx, meta, userId);
  if (device) return { key: `device:${device}:`, knownDevice: true };
  return { key: meta?.ip ? `ip:${addressGroup(meta.ip)}:` : "local:", knownDevice: false };
}
