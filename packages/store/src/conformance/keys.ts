import { describe, expect, it } from "vitest";
import type { SigningKeyRecord } from "../records";
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
    const signingKey = (kid: string, createdAt: number, alg: SigningKeyRecord["alg"] = "ES256"): SigningKeyRecord => ({
      kid,
      alg,
      publicJwk: JSON.stringify({ kty: "EC", kid }),
      sealedPrivateKey: `sealed ${kid}`,
      createdAt,
      activatesAt: createdAt + 10_000,
    });

    it("keeps signing keys, answers them oldest first, and deletes them by kid", async () => {
      expect(await store().keys.signingKeys()).toEqual([]);
      const later = signingKey("b-later", T0 + 5);
      const first = signingKey("z-first", T0, "EdDSA");
      const tie = signingKey("a-tie", T0, "RS256");
      for (const k of [later, first, tie]) await store().keys.addSigningKey(k);
      expect(await store().keys.signingKeys()).toEqual([tie, first, later]);
      expect(await store().keys.deleteSigningKeys(["z-first", "unknown"])).toBe(1);
      expect(await store().keys.deleteSigningKeys([])).toBe(0);
      expect((await store().keys.signingKeys()).map((k) => k.kid)).toEqual(["a-tie", "b-later"]);
    });

    it("leaves a kept signing key as it is when its kid is added again", async () => {
      const kept = signingKey("same", T0);
      await store().keys.addSigningKey(kept);
      await store().keys.addSigningKey({ ...kept, sealedPrivateKey: "another", activatesAt: T0 });
      expect(await store().keys.signingKeys()).toEqual([kept]);
    });

    it("rolls a signing key back with its transaction", async () => {
      await expect(
        store().transaction(async (tx) => {
          await tx.keys.addSigningKey(signingKey("rolled-back", T0));
          throw new Error("undo");
        }),
      ).rejects.toThrow("undo");
      expect(await store().keys.signingKeys()).toEqual([]);
    });
  });
}
