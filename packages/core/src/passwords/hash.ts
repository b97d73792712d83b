import { availableParallelism } from "node:os";
import * as nodeArgon2 from "@node-rs/argon2";
import type { AuthOptions } from "../options";

// @node-rs/argon2's Algorithm is a const enum; 2 = Argon2id.
const ARGON2ID = 2;

/** The two calls of @node-rs/argon2 the service makes. */
export interface Argon2 {
  hash(secret: string, options: nodeArgon2.Options): Promise<string>;
  verify(stored: string, secret: string): Promise<boolean>;
}

/** Every password and PIN hash of a service goes through its context's hasher. */
export interface Hasher {
  hash(secret: string, params: AuthOptions["argon2"]): Promise<string>;
  /** False for a wrong secret and for a stored value that is not a hash. */
  verify(stored: string, secret: string): Promise<boolean>;
  /**
   * A hash to verify against when the account does not exist, so that a miss costs the
   * same time as a hit and answers cannot tell the two apart.
   */
  dummy(params: AuthOptions["argon2"]): Promise<string>;
}

/**
 * A hasher over `argon2` (the real one unless a test counts or replaces its calls).
 *
 * At most one hash per core runs at a time; the rest wait here, in order, not in libuv's
 * pool. Hashing is CPU-bound, so more at once buys no throughput (`pnpm bench` measures the
 * ceiling with one per core), but each running hash holds its 19 MiB: with the pool's 4
 * threads on 2 cores the server's peak RSS rose by 90 MB under logins instead of 50. And
 * with hashes capped below the pool size, pool threads stay free for the other work that
 * needs one (file I/O, log writes, WebCrypto signing of Firebase tokens) instead of queueing
 * behind every login. Keep UV_THREADPOOL_SIZE above the core count (README, "Operating it").
 */
export function createHasher(argon2: Argon2 = nodeArgon2): Hasher {
  const lanes = Math.max(1, availableParallelism());
  let running = 0;
  const waiting: (() => void)[] = [];

  async function inLane<T>(work: () => Promise<T>): Promise<T> {
    if (running < lanes) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The lane passes straight to the next waiter; only an idle lane is given back.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  const dummies = new Map<string, Promise<string>>();

  const hasher: Hasher = {
    // Hashing runs on libuv's thread pool (napi async work), never on the event loop.
    hash: (secret, params) => inLane(() => argon2.hash(secret, { algorithm: ARGON2ID, ...params })),
    async verify(stored, secret) {
      try {
        return await inLane(() => argon2.verify(stored, secret));
      } catch {
        return false;
      }
    },
    dummy(params) {
      const key = JSON.stringify(params);
      let found = dummies.get(key);
      if (!found) {
        found = hasher.hash("authsvc-dummy-password", params);
        dummies.set(key, found);
      }
      return found;
    },
  };
  return hasher;
}

/** One per process, so that every service in it shares the lanes. */
export const processHasher = createHasher();
