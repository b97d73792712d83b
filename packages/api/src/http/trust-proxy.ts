import proxyaddr from "proxy-addr";

/**
 * Whether the hop at `addr` is a proxy we run (`hop` 0 is the socket's peer, 1 the address
 * it forwarded, and so on). Compiled once at start: the per-request cost is a comparison.
 */
export type TrustProxy = (addr: string, hop: number) => boolean;

/** No proxy in front: only the socket's address counts and no forwarded header is read. */
export const trustNobody: TrustProxy = () => false;

/** The words proxy-addr expands to ranges; everything else must be an address or a CIDR. */
export const TRUST_PROXY_NAMES = ["loopback", "linklocal", "uniquelocal"] as const;

/**
 * Compiles a list of addresses, CIDRs (`10.0.0.0/8`, `fd00::/8`, `10.0.0.0/255.0.0.0`) and
 * proxy-addr's names. Throws a TypeError naming the first entry it cannot read.
 */
export function compileTrustProxy(entries: readonly string[]): TrustProxy {
  if (entries.length === 0) return trustNobody;
  for (const entry of entries) {
    if (entry === "" || /\s/.test(entry)) throw new TypeError(`invalid entry ${JSON.stringify(entry)}`);
  }
  return proxyaddr.compile([...entries]);
}

/**
 * The client's address: the socket's, or, while every hop from the right is a trusted
 * proxy, the address the last trusted one saw (proxy-addr's walk, the one Express uses).
 * Entries left of the first untrusted hop are whatever the client wrote, and are ignored.
 */
export function forwardedFor(socketAddress: string, xForwardedFor: string | null | undefined, trust: TrustProxy): string {
  // The common cases (no proxy configured, no header, a direct client) allocate nothing.
  if (!xForwardedFor || trust === trustNobody || !trust(socketAddress, 0)) return socketAddress;
  const req = { headers: { "x-forwarded-for": xForwardedFor }, socket: { remoteAddress: socketAddress } };
  return proxyaddr(req as unknown as Parameters<typeof proxyaddr>[0], trust);
}
