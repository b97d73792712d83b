import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * On a Node without `crypto.hash` (before 20.12), what oidc-provider calls must still answer
 * as Node's own does: played in a child process whose `crypto.hash` is taken away first.
 */
describe("ensureCryptoHash", () => {
  it("gives a Node without crypto.hash one that answers as Node's own, seen through an ESM namespace too", () => {
    const program = `
      const { syncBuiltinESMExports } = await import("node:module");
      const cjs = (await import("node:module")).createRequire(import.meta.url)("node:crypto");
      delete cjs.hash;
      syncBuiltinESMExports();
      const ns = await import("node:crypto");
      if (typeof ns.hash === "function") throw new Error("hash was not taken away");
      await import(${JSON.stringify(path.join(here, "node-crypto-hash.ts"))});
      console.log(JSON.stringify([ns.hash("sha256", "verifier", "base64url"), ns.hash("sha256", "x"), ns.hash("sha512", "x", "buffer").toString("hex")]));
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      createHash("sha256").update("verifier").digest("base64url"),
      createHash("sha256").update("x").digest("hex"),
      createHash("sha512").update("x").digest("hex"),
    ]);
  });
});
