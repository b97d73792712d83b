import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestStore } from "@authsvc/db/test-store";
import { createAuth, type Auth, type CreateAuthInit } from "./auth";
import type { Logger } from "./context";
import type { AuthOptionsInput } from "./options";

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

/**
 * An Auth over an empty store, for one test: an in-memory SQLite database, or with
 * AUTH_TEST_STORE=postgres the test file's PostgreSQL database emptied for it. `sql` reads and
 * writes rows the same way on both, for what the store's repositories do not show.
 */
export function createTestAuth(options: Partial<AuthOptionsInput> = {}, init: Partial<Omit<CreateAuthInit, "store" | "options">> = {}) {
  const { store, sql, engine } = createTestStore();
  const logger = memoryLogger();
  const dataDir = mkdtempSync(path.join(tmpdir(), "authsvc-test-"));
  const auth = createAuth({ store, options: { secret: TEST_SECRET, dataDir, ...options }, logger, ...init });
  return { auth, store, sql, engine, logger, dataDir };
}

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
