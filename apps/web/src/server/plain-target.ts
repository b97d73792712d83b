/**
 * A request target that any URL parser reads as sent: origin form, only characters no parser
 * escapes or rewrites, no dot segment (`..`, `%2e`). Its path and query string are then what
 * the fetch adapter's `URL` would have made of it, without building one. Any other target
 * (absolute form, `\`, `#`, spaces, `[`, dot segments) is left to the adapter, whose URL
 * decides what it names.
 */
const AS_SENT = /^\/[\w\-.~!$&'()*+,;=:@%/]*(?:\?[\w\-.~!$&'()*+,;=:@%/?]*)?$/;
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:\/|$)/i;

export interface PlainTarget {
  pathname: string;
  /** From the `?` on, or "" without one. */
  search: string;
}

export function plainTarget(target: string): PlainTarget | undefined {
  if (!AS_SENT.test(target)) return undefined;
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  return DOT_SEGMENT.test(pathname) ? undefined : { pathname, search: q === -1 ? "" : target.slice(q) };
}
