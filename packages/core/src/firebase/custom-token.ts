import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { ensurePrivateDir } from "@authsvc/store/files";
import path from "node:path";
import { importPKCS8, SignJWT, type CryptoKey } from "jose";
import { writeSecretFile } from "../crypto/secret-file";
import type { AuthOptions } from "../options";

export const FIREBASE_AUDIENCE =
  "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit";

interface ServiceAccount {
  client_email: string;
  private_key: string;
}

function localServiceAccount(dataDir: string): ServiceAccount {
  const file = path.join(dataDir, "firebase-service-account.json");
  if (!existsSync(file)) {
    ensurePrivateDir(dataDir);
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const account = { type: "service_account", client_email: "authsvc-local@authsvc.local", private_key: privateKey };
    try {
      writeSecretFile(file, JSON.stringify(account, null, 2));
    } catch {
      // another process wrote it first: use theirs
    }
  }
  return JSON.parse(readFileSync(file, "utf8")) as ServiceAccount;
}

/** FIREBASE_SERVICE_ACCOUNT is the key file's JSON or its path; without it a local key pair. */
export function loadServiceAccount(options: Pick<AuthOptions, "firebaseServiceAccount" | "dataDir">): ServiceAccount {
  const source = options.firebaseServiceAccount?.trim();
  if (!source) return localServiceAccount(options.dataDir);
  const json = source.startsWith("{") ? source : readFileSync(source, "utf8");
  const account = JSON.parse(json) as Partial<ServiceAccount>;
  if (!account.client_email || !account.private_key) {
    throw new Error("FIREBASE_SERVICE_ACCOUNT must hold client_email and private_key");
  }
  return account as ServiceAccount;
}

export interface FirebaseSigner {
  readonly clientEmail: string;
  sign(uid: string, nowMs: number): Promise<string>;
}

/** The key is read and imported once, on first use. */
export function createFirebaseSigner(options: Pick<AuthOptions, "firebaseServiceAccount" | "dataDir">): FirebaseSigner {
  let account: ServiceAccount | undefined;
  let key: Promise<CryptoKey> | undefined;
  const load = () => (account ??= loadServiceAccount(options));
  return {
    get clientEmail() {
      return load().client_email;
    },
    async sign(uid, nowMs) {
      const a = load();
      key ??= importPKCS8(a.private_key, "RS256");
      const iat = Math.floor(nowMs / 1000);
      return new SignJWT({ uid })
        .setProtectedHeader({ alg: "RS256", typ: "JWT" })
        .setIssuer(a.client_email)
        .setSubject(a.client_email)
        .setAudience(FIREBASE_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 3600)
        .sign(await key);
    },
  };
}
