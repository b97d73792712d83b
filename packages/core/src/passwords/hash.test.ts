import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { createHasher } from "./hash";

// The real argon2 would make this test slow and its timing flaky; count calls instead.
const calls = { running: 0, most: 0, order: [] as string[], fail: new Set<string>() };
async function work<T>(label: string, result: T): Promise<T> {
  calls.running++;
  calls.most = Math.max(calls.most, calls.running);
  calls.order.push(label);
  await new Promise((r) => setTimeout(r, 5));
  calls.running--;
  if (calls.fail.has(label)) throw new Error("argon2 failed");
  return result;
}
const hasher = createHasher({
  hash: (secret) => work(secret, `hashed:${secret}`),
  verify: (stored, secret) => work(secret, stored === `hashed:${secret}`),
});
const hashSecret = hasher.hash;
const verifySecret = hasher.verify;
const params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

describe("hashing lanes", () => {
  it("runs at most one hash per core at once, the rest in the order they came", async () => {
    calls.most = 0;
    calls.order = [];
    const n = availableParallelism() * 3 + 1;
    const labels = Array.from({ length: n }, (_, i) => `s${i}`);
    const results = await Promise.all(labels.map((l, i) => (i % 2 ? verifySecret(`hashed:${l}`, l) : hashSecret(l, params))));
    expect(calls.most).toBe(availableParallelism());
    expect(calls.order).toEqual(labels);
    expect(results.every((r, i) => (i % 2 ? r === true : r === `hashed:${labels[i]}`))).toBe(true);
    expect(calls.running).toBe(0);
  });

  it("frees the lane when a hash fails", async () => {
    calls.most = 0;
    calls.fail = new Set(Array.from({ length: availableParallelism() }, (_, i) => `bad${i}`));
    const failing = [...calls.fail].map((l) => verifySecret(`hashed:${l}`, l));
    await expect(Promise.all(failing)).resolves.toEqual(failing.map(() => false));
    await expect(verifySecret("hashed:good", "good")).resolves.toBe(true);
    calls.fail.clear();
  });
});
