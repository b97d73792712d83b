import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { AsyncSlot } from "./async-context";

describe("AsyncSlot", () => {
  it("carries its value across awaits, each slot apart, the inner run winning until it ends", async () => {
    const request = new AsyncSlot<string>("request");
    const depth = new AsyncSlot<number>("depth");
    expect(request.getStore()).toBeUndefined();
    await request.run("r1", async () => {
      await tick();
      expect(request.getStore()).toBe("r1");
      expect(depth.getStore()).toBeUndefined();
      await depth.run(1, async () => {
        await tick();
        expect([request.getStore(), depth.getStore()]).toEqual(["r1", 1]);
        await request.run("r2", async () => {
          await tick();
          expect([request.getStore(), depth.getStore()]).toEqual(["r2", 1]);
        });
        expect(request.getStore()).toBe("r1");
      });
      expect(depth.getStore()).toBeUndefined();
    });
    expect(request.getStore()).toBeUndefined();
  });

  it("keeps concurrent contexts apart", async () => {
    const slot = new AsyncSlot<number>("n");
    const seen = await Promise.all(
      [1, 2, 3].map((n) =>
        slot.run(n, async () => {
          await tick();
          return slot.getStore();
        }),
      ),
    );
    expect(seen).toEqual([1, 2, 3]);
  });
});
