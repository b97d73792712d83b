import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
  mkdirSync(dataDir, { recursive: true });
  const secret = randomToken(48);
  // wx: two processes starting at once must not overwrite each other's secret
  try {
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
