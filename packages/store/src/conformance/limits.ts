import { describe, expect, it } from "vitest";
import { T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

export function limitConformance(engine: ConformanceEngine) {
  describe("limits", () => {
    const store = useStore(engine);

    it("starts a bucket at the first hit and adds within the window", async () => {
      expect(await store().limits.peek("k")).toBeUndefined();
      expect(await store().limits.hit("k", 1, 60_000, T0)).toEqual({ count: 1, windowStart: T0 });
      expect(await store().limits.hit("k", 2, 60_000, T0 + 59_999)).toEqual({ count: 3, windowStart: T0 });
      expect(await store().limits.peek("k")).toEqual({ count: 3, windowStart: T0 });
    });

    it("starts a new window once the old one has ended", async () => {
      await store().limits.hit("k", 5, 60_000, T0);
      expect(await store().limits.hit("k", 1, 60_000, T0 + 60_000)).toEqual({ count: 1, windowStart: T0 + 60_000 });
    });

    it("takes back a hit with a negative n", async () => {
      await store().limits.hit("k", 2, 60_000, T0);
      expect(await store().limits.hit("k", -1, 60_000, T0 + 1)).toEqual({ count: 1, windowStart: T0 });
    });

    it("keeps keys apart", async () => {
      await store().limits.hit("a", 1, 60_000, T0);
      await store().limits.hit("b", 4, 60_000, T0 + 1);
      expect(await store().limits.peek("a")).toEqual({ count: 1, windowStart: T0 });
      expect(await store().limits.peek("b")).toEqual({ count: 4, windowStart: T0 + 1 });
    });

    it("counts 100 concurrent hits on one key exactly", async () => {
      const after = await Promise.all(Array.from({ length: 100 }, () => store().limits.hit("hot", 1, 60_000, T0)));
      expect(after.map((b) => b.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await store().limits.peek("hot")).toEqual({ count: 100, windowStart: T0 });
    });

    it("resets one bucket", async () => {
      await store().limits.hit("a", 1, 60_000, T0);
      await store().limits.hit("ab", 1, 60_000, T0);
      await store().limits.reset("a");
      expect(await store().limits.peek("a")).toBeUndefined();
      expect(await store().limits.peek("ab")).toEqual({ count: 1, windowStart: T0 });
    });

    it("resets the buckets starting with a prefix taken literally", async () => {
      for (const key of ["login:ana%_x@example.com:1", "login:ana%_x@example.com:2", "login:anaZZx@example.com:1", "other:login:ana%_x"]) {
        await store().limits.hit(key, 1, 60_000, T0);
      }
      await store().limits.resetPrefix("login:ana%_x@");
      expect(await store().limits.peek("login:ana%_x@example.com:1")).toBeUndefined();
      expect(await store().limits.peek("login:ana%_x@example.com:2")).toBeUndefined();
      // % and _ are no wildcards.
      expect(await store().limits.peek("login:anaZZx@example.com:1")).toEqual({ count: 1, windowStart: T0 });
      expect(await store().limits.peek("other:login:ana%_x")).toEqual({ count: 1, windowStart: T0 });
    });

    it("resets exactly the keys that start with the prefix, whatever characters follow or end it", async () => {
      const keys = ["p:é:1", "p:é:2", "p:é:\u{1F600}", "p:é;", "p:éa", "p:é", "p:f", "p:\u{1F600}:1", "p:\u{1F600};"];
      for (const key of keys) await store().limits.hit(key, 1, 60_000, T0);
      await store().limits.resetPrefix("p:é:");
      await store().limits.resetPrefix("p:\u{1F600}:");
      const left = [];
      for (const key of keys) if (await store().limits.peek(key)) left.push(key);
      expect(left).toEqual(["p:é;", "p:éa", "p:é", "p:f", "p:\u{1F600};"]);
    });
  });
}
