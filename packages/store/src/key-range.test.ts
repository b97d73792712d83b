import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { prefixUpperBound } from "./key-range";

/** Code point order: what SQLite's BINARY and PostgreSQL's "C" collation give on UTF-8 text. */
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

describe("prefixUpperBound", () => {
  it("raises the last code point", () => {
    expect(prefixUpperBound("login-fail:user:14:")).toBe("login-fail:user:14;");
    expect(prefixUpperBound("a\u{10ffff}")).toBe("b");
    expect(prefixUpperBound("a\ud7ff")).toBe("a\ue000");
  });

  it("has none for an empty prefix or one of only the highest code point", () => {
    expect(prefixUpperBound("")).toBeNull();
    expect(prefixUpperBound("\u{10ffff}\u{10ffff}")).toBeNull();
  });

  test.prop([fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" })])(
    "a key is in [prefix, upper) exactly when it starts with prefix",
    (prefix, tail, other) => {
      const upper = prefixUpperBound(prefix);
      const inRange = (key: string) => byCodePoint(key, prefix) >= 0 && (upper === null || byCodePoint(key, upper) < 0);
      expect(inRange(prefix + tail)).toBe(true);
      expect(inRange(other)).toBe(other.startsWith(prefix));
    },
  );
});
