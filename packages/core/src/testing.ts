import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestStore } from "@authsvc/testing";
import * as nodeArgon2 from "@node-rs/argon2";
import { createAuth, type Auth, type CreateAuthInit } from "./auth";
import type { Logger } from "./context";
import type { AuthOptionsInput } from "./options";
import { createHasher, type Hasher } from "./passwords/hash";

export interface LogLine {
  level: "info" | "warn" | "error";
  msg?: string;
  obj: object;
}

/** A logger that keeps every line, so tests can read what would have been logged. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: "info", msg, obj }),
    warn: (obj, msg) => void lines.push({ level: "warn", msg, obj }),
    error: (obj, msg) => void lines.push({ level: "error", msg, obj }),
  };
}

export const TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

/** Cheap argon2 parameters, the test services' default: the tests exercise the rules, not the hash's cost. */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

/** A hasher over the real argon2 that counts its calls, so a test can say what work a request cost. */
export function countingHasher(): Hasher & { calls: { hash: number; verify: number }; total(): number } {
  const calls = { hash: 0, verify: 0 };
  const hasher = createHasher({
    hash: (...a) => (calls.hash++, nodeArgon2.hash(...a)),
    verify: (...a) => (calls.verify++, nodeArgon2.verify(...a)),
  });
  return Object.assign(hasher, { calls, total: () => calls.hash + calls.verify });
}

// A test service's data folder (where the local Firebase key is made, on first use) is only
// created when used, under the run's folder (@authsvc/testing's data-dirs.ts removes it), or
// under one per process where no vitest run made one.
let dataRoot: string | undefined;
let dataDirs = 0;
function testDataDir(): string {
  if (!dataRoot) {
    dataRoot = process.env.AUTHSVC_TEST_DATA_ROOT;
    if (!dataRoot) {
      const own = (dataRoot = path.join(tmpdir(), `authsvc-test-${process.pid}`));
      process.once("exit", () => rmSync(own, { recursive: true, force: true }));
    }
  }
  return path.join(dataRoot, `${process.pid}-${++dataDirs}`);
}

/**
 * An Auth over an empty store, for one test: an in-memory SQLite database, or with
 * AUTH_TEST_STORE=postgres the test file's PostgreSQL database emptied for it. `sql` reads and
 * writes rows the same way on both, for what the store's repositories do not show. `hasher`
 * counts the argon2 calls of this Auth (and of no other).
 */
export function createTestAuth(options: Partial<AuthOptionsInput> = {}, init: Partial<Omit<CreateAuthInit, "store" | "options">> = {}) {
  const { store, sql, engine } = createTestStore();
  const logger = memoryLogger();
  const dataDir = testDataDir();
  const hasher = countingHasher();
  const auth = createAuth({ store, options: { secret: TEST_SECRET, dataDir, argon2: TEST_ARGON2, ...options }, logger, hasher, ...init });
  return { auth, store, sql, engine, logger, dataDir, hasher };
}

/** A code's lifetime under `auth`'s options, in milliseconds. */
export const codeLifetimeMs = (auth: Pick<Auth, "options">): number => auth.options.code.ttlSec * 1000;
/** Just past the wait before the first resend under `auth`'s options, in milliseconds. */
export const pastResendWaitMs = (auth: Pick<Auth, "options">): number => (auth.options.code.cooldownSec + 1) * 1000;

/**
 * The next one-time codes the service makes, in this order; random ones again after them.
 * For tests that must tell two codes apart, or need one of a given shape, every run.
 */
export function planCodes(auth: Auth, ...codes: string[]): void {
  auth.ctx.newCode = () => {
    const code = codes.shift()!;
    if (codes.length === 0) auth.ctx.newCode = undefined;
    return code;
  };
}
