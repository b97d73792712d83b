import { isIPv6 } from "node:net";
import type { AuthContext, RequestMeta } from "../context";
import type { AuthOptions } from "../options";
import { consumeLimit } from "./rate-limit";

/**
 * The part of a client address that names one client for limits. An IPv6 host is usually
 * handed a whole /64, so counting single addresses would give it 2^64 fresh buckets.
 */
export function addressGroup(ip: string): string {
  const bare = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").replace(/%.*$/, "");
  if (!isIPv6(bare)) return bare;
  return `${expandIPv6(bare).slice(0, 4).join(":")}::/64`;
}

/** Eight groups of four hex digits, whatever shorthand the address was written in. */
function expandIPv6(ip: string): string[] {
  let text = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms other than the mapped one) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => g.padStart(4, "0"));
}

export type AddressLimit = keyof AuthOptions["limits"] & `${string}PerIp`;

/**
 * Counts one call from the request's client under `kind` (logins, code sends, code checks,
 * sign-ups) and throws RATE_LIMITED past the limit. No address (an in-process caller): no limit.
 */
export async function limitAddress(ctx: AuthContext, kind: AddressLimit, meta: RequestMeta | undefined): Promise<void> {
  if (!meta?.ip) return;
  await consumeLimit(ctx, `${kind}:${addressGroup(meta.ip)}`, ctx.options.limits[kind]);
}
