/**
 * The least string above every string that starts with `prefix`, for reading or deleting a
 * prefix as a key range (`key >= prefix AND key < upper`), which an index on the key serves;
 * a test on a slice of the key (`substr`, `left`) reads every row. Strings compare here by
 * code point, as SQLite's BINARY and PostgreSQL's "C" collation do on UTF-8 text. Null when
 * there is no such string (an empty prefix, or one of nothing but the highest code point):
 * then every key from `prefix` up matches.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return points.join("") + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return null;
}
