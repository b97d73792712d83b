import { hash, verify } from "@node-rs/argon2";
import type { AuthOptions } from "../options";

// @node-rs/argon2's Algorithm is a const enum; 2 = Argon2id.
const ARGON2ID = 2;

/** Hashing runs on libuv's thread pool (napi async work), never on the event loop. */
export const hashSecret = (secret: string, params: AuthOptions["argon2"]): Promise<string> =>
  hash(secret, { algorithm: ARGON2ID, ...params });

export async function verifySecret(stored: string, secret: string): Promise<boolean> {
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
}

const dummies = new Map<string, Promise<string>>();

/**
 * A hash to verify against when the account does not exist, so that a miss costs the
 * same time as a hit and answers cannot tell the two apart.
 */
export function dummyHash(params: AuthOptions["argon2"]): Promise<string> {
  const key = JSON.stringify(params);
  let found = dummies.get(key);
  if (!found) {
    found = hashSecret("authsvc-dummy-password", params);
    dummies.set(key, found);
  }
  return found;
}
