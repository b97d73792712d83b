import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { AuthError } from "../errors";
import type { AuthOptions } from "../options";

let common: Set<string> | undefined;

/** The shipped list (from zxcvbn-ts' common passwords, MIT), read once on first use. */
function commonPasswords(): Set<string> {
  if (!common) {
    const file = createRequire(import.meta.url).resolve("@authsvc/core/common-passwords.txt");
    common = new Set(readFileSync(file, "utf8").split("\n").filter(Boolean));
  }
  return common;
}

export const commonPasswordCount = (): number => commonPasswords().size;

export type PasswordProblem = "too_short" | "too_long" | "common";

/** The length bounds of a password, in characters. */
export type PasswordBounds = AuthOptions["password"];

/** NIST 800-63B: length and a blocklist, no composition rules, never truncated. */
export function passwordProblem(password: string, policy: PasswordBounds): PasswordProblem | null {
  const length = [...password].length;
  if (length < policy.minLength) return "too_short";
  if (length > policy.maxLength) return "too_long";
  if (commonPasswords().has(password.toLowerCase())) return "common";
  return null;
}

/**
 * The service's bounds, or `override` where a door's document fixes its own (family 002's
 * register and update-password); the blocklist applies whatever the bounds.
 */
export function assertPasswordPolicy(password: string, policy: PasswordBounds, override?: PasswordBounds): void {
  const bounds = override ?? policy;
  const reason = passwordProblem(password, bounds);
  if (reason) {
    const why =
      reason === "too_short"
        ? `Use at least ${bounds.minLength} characters.`
        : reason === "too_long"
          ? `Use at most ${bounds.maxLength} characters.`
          : "That password is too common. Choose another.";
    throw new AuthError("WEAK_PASSWORD", { reason, field: "password" }, why);
  }
}
