import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { deriveKey } from "./secrets";

const VERSION = "v1";

/** The sealed text was made with another AUTH_SECRET, was changed, or is not a sealed text. */
export class SealError extends Error {
  /** `format`: not a sealed text at all; `key`: sealed under another secret or name, or changed. */
  constructor(readonly reason: "format" | "key") {
    super(reason === "format" ? "not a sealed text" : "sealed text cannot be opened with this secret");
    this.name = "SealError";
  }
}

/**
 * Seals `plain` with AES-256-GCM under a key derived from `secret` and bound to `name` (also
 * its associated data): a copy of the database (a backup, a replica) does not give away what
 * it keeps this way, every instance holding the same AUTH_SECRET can open it, and a value
 * sealed under one name does not open under another.
 */
export function sealText(secret: string, name: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(secret, `sealed-key:${name}`), iv);
  cipher.setAAD(Buffer.from(name));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** What `sealText` sealed under `name`, or SealError. */
export function openText(secret: string, name: string, sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new SealError("format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(secret, `sealed-key:${name}`), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("key");
  }
}
