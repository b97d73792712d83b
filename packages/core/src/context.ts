import type { KeyObject } from "node:crypto";
import type { Store } from "@authsvc/store";
import { deriveKey } from "./crypto/secrets";
import type { Transports } from "./delivery/transport";
import type { AuthOptions } from "./options";
import { processHasher, type Hasher } from "./passwords/hash";
import { newLater, type Later } from "./later";
import type { AccessClaims } from "./sessions/access-token";
import type { ClaimsProfile } from "./sessions/claims-profiles";
import { newKeyState, type KeyState } from "./sessions/signing-keys";

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const consoleLogger: Logger = {
  info: (obj, msg) => console.log(JSON.stringify({ level: "info", msg, ...obj })),
  warn: (obj, msg) => console.warn(JSON.stringify({ level: "warn", msg, ...obj })),
  error: (obj, msg) => console.error(JSON.stringify({ level: "error", msg, ...obj })),
};

/** Where a request came from; recorded in audit events and sessions, used for limits. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  /**
   * The device token the client presented (the web's device cookie, or `X-Device-Token`), raw
   * and unchecked: sessions/device.ts `knownDevice` says whether it names a known device of an
   * account. Never recorded (audit rows and sessions keep only `ip` and `userAgent`).
   */
  device?: string;
}

export interface AuthContext {
  /** Where state lives; inside `transaction` it is the transaction's own store. */
  store: Store;
  options: AuthOptions;
  log: Logger;
  transports: Transports;
  /** Every password and PIN hash goes through it (passwords/hash.ts). */
  hasher: Hasher;
  keys: {
    accessToken: KeyObject;
    code: KeyObject;
    device: KeyObject;
    /** Seals authenticator-app secrets at rest (factors/totp.ts). */
    factorSeal: KeyObject;
    /** Keys the hashes of recovery codes and second-step tickets (factors/). */
    factor: KeyObject;
    /** Keys the hashes of OpenID client secrets (oidc/clients.ts). */
    oidcClientSecret: KeyObject;
  };
  now: () => number;
  /** Extra JWT claims by profile name, as the doors registered them (sessions/claims-profiles.ts). */
  claimsProfiles: Map<string, ClaimsProfile>;
  /** Tests only (testing.ts `planCodes`): makes the next one-time code, so a test knows it before it is sent. */
  newCode?: () => string;
  /** Work deferred until after a request's answer (later.ts); shared by every transaction's context. */
  later: Later;
  /** Access tokens whose signature and claims held, by token (sessions/access-token.ts). */
  verifiedTokens: Map<string, AccessClaims>;
  /** The asymmetric signing keys as this instance last read them (sessions/signing-keys.ts). */
  signingKeys: KeyState;
}

export function createContext(
  store: Store,
  options: AuthOptions,
  log: Logger,
  transports: Transports,
  hasher: Hasher = processHasher,
): AuthContext {
  return {
    store,
    options,
    log,
    transports,
    hasher,
    keys: {
      accessToken: deriveKey(options.secret, "access-token"),
      code: deriveKey(options.secret, "code"),
      device: deriveKey(options.secret, "device-token"),
      factorSeal: deriveKey(options.secret, "factor-seal"),
      factor: deriveKey(options.secret, "factor"),
      oidcClientSecret: deriveKey(options.secret, "oidc-client-secret"),
    },
    // Date.now, read at call time so fake timers in tests move it.
    now: () => Date.now(),
    claimsProfiles: new Map(),
    later: newLater(),
    verifiedTokens: new Map(),
    signingKeys: newKeyState(),
  };
}
