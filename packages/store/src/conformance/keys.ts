import { describe, expect, it } from "vitest";
import { T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

export function keyConformance(engine: ConformanceEngine) {
  describe("keys", () => {
    const store = useStore(engine);

    it("keeps the first value under a name and answers it to every later keeper", async () => {
      expect(await store().keys.get("firebase")).toBeUndefined();
      expect(await store().keys.keepFirst("firebase", "first", T0)).toBe("first");
      expect(await store().keys.keepFirst("firebase", "second", T0 + 1)).toBe("first");
      expect(await store().keys.get("firebase")).toBe("first");
      expect(await store().keys.keepFirst("other", "its own", T0)).toBe("its own");
      expect(await store().keys.get("firebase")).toBe("first");
    });

    it("gives concurrent keepers one and the same winner", async () => {
      const kept = await Promise.all(Array.from({ length: 10 }, (_, i) => store().keys.keepFirst("firebase", `value ${i}`, T0)));
      expect(new Set(kept).size).toBe(1);
      expect(kept[0]).toMatch(/^value \d$/);
      expect(await store().keys.get("firebase")).toBe(kept[0]);
    });
  });
}
