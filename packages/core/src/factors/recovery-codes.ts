import { randomInt, type KeyObject } from "node:crypto";
import { hmac } from "../crypto/secrets";

/** No 0/O, 1/I/L: a code is read off paper and typed by hand. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const GROUP = 5;

/** `count` new codes, two groups of five (about 49 bits each), as shown once to the holder. */
export function newRecoveryCodes(count: number): string[] {
  return Array.from({ length: count }, () => {
    let raw = "";
    for (let i = 0; i < GROUP * 2; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
    return `${raw.slice(0, GROUP)}-${raw.slice(GROUP)}`;
  });
}

/** As typed: any case, spaces and dashes anywhere; null when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, "");
  return raw.length === GROUP * 2 && [...raw].every((c) => ALPHABET.includes(c)) ? raw : null;
}

/** What is stored: a keyed hash (the codes are random, so no slow hash is needed). */
export const recoveryCodeHash = (key: KeyObject, normalized: string): string => hmac(key, `recovery:${normalized}`);
