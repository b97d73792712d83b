import { readFileSync, writeFileSync } from "node:fs";
import { ensurePrivateDir, restrictFile } from "@authsvc/store/files";
import path from "node:path";
import { randomToken } from "./secrets";

/** AUTH_SECRET's fallback: generated once, then read back from the data folder. */
export function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: no file yet
  }
  ensurePrivateDir(dataDir);
  const secret = randomToken(48);
  // wx: two processes starting at once must not overwrite each other's secret
  try {
    writeSecretFile(file, secret + "\n");
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}

/**
 * Writes a new secret file (throws if it exists: the first writer wins) readable by the owner
 * only. The open mode is filtered by the umask; the chmod after it is not.
 */
export function writeSecretFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600, flag: "wx" });
  restrictFile(file);
}
