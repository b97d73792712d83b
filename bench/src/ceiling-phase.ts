/** The argon2id ceiling of this machine (bench/src/hash-ceiling.ts in a child process), the baseline of the logins. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./procs";
import { args, CORES, log } from "./run-context";

const tsxLoader = "tsx";

export interface Ceiling {
  perSec: number;
  concurrency: number;
  seconds: number;
  verifications: number;
}

export const ceilings: Ceiling[] = [];

/**
 * Measured right before the logins it is compared with: on a shared or throttled machine the
 * rate of a core drifts within minutes, and a ratio of figures taken apart would show it.
 */
export async function ceilingPhase(): Promise<Ceiling> {
  const c = await hashCeiling(Math.max(3, Math.min(args.seconds, 6)));
  ceilings.push(c);
  log(`  hashing ceiling: ${c.perSec.toFixed(1)} argon2id verifications/s with ${c.concurrency} at once`);
  return c;
}

async function hashCeiling(seconds: number): Promise<Ceiling> {
  const out = execFileSync(process.execPath, ["--import", tsxLoader, path.join(repoRoot, "bench/src/hash-ceiling.ts"), "--seconds", String(seconds), "--concurrency", String(CORES)], {
    cwd: path.join(repoRoot, "bench"),
    env: { ...process.env, UV_THREADPOOL_SIZE: String(CORES) },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Ceiling;
}
