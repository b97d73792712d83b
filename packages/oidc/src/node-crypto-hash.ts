import crypto, { createHash, type BinaryToTextEncoding } from "node:crypto";
import { syncBuiltinESMExports } from "node:module";

/**
 * oidc-provider hashes with `crypto.hash` (PKCE, client secrets, ID token hashes), which Node
 * has from 20.12 on; the service supports 20.9. Where it is missing, the same one-shot digest
 * is put in its place, in the module and in every ESM view of it (syncBuiltinESMExports), so
 * the library's `import * as crypto from "node:crypto"` finds it. A no-op on any Node that has it.
 */
export function ensureCryptoHash(): void {
  if (typeof (crypto as { hash?: unknown }).hash === "function") return;
  (crypto as unknown as { hash: typeof oneShotHash }).hash = oneShotHash;
  syncBuiltinESMExports();
}

function oneShotHash(algorithm: string, data: string | NodeJS.ArrayBufferView, outputEncoding: BinaryToTextEncoding | "buffer" = "hex"): string | Buffer {
  const digest = createHash(algorithm).update(data);
  return outputEncoding === "buffer" ? digest.digest() : digest.digest(outputEncoding);
}

ensureCryptoHash();
