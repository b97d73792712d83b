/**
 * Tests only (exported from `@authsvc/core/testing`): a software WebAuthn authenticator that
 * makes the responses a browser would send, so core and the API can test passkeys end to end,
 * and can also make the ones an attacker would (another origin or RP id, no user
 * verification, a cloned authenticator's counter).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface Forgery {
  /** The page's origin as the browser reports it. */
  origin?: string;
  /** The RP id the authenticator hashes into its data. */
  rpId?: string;
  /** Whether the person was verified (fingerprint, face, device PIN). */
  userVerified?: boolean;
  /** The user handle the authenticator answers with. */
  userHandle?: string;
  /** The signature counter to report (a clone reports an old one). */
  counter?: number;
}

export class SoftAuthenticator {
  readonly credentialId = b64url(randomBytes(32));
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private counter = 0;
  private userHandle: string | undefined;

  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  private cosePublicKey(): Uint8Array {
    const jwk = this.publicKey.export({ format: "jwk" }) as { x: string; y: string };
    const key = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x, "base64url")],
      [-3, Buffer.from(jwk.y, "base64url")],
    ]);
    return isoCBOR.encode(key);
  }

  private authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** The browser's answer to registration options (`navigator.credentials.create`). */
  register(options: { challenge: string; user: { id: string } }, forge: Forgery = {}) {
    this.userHandle = options.user.id;
    const id = Buffer.from(this.credentialId, "base64url");
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, id, this.cosePublicKey()]);
    const flags = FLAG_UP | FLAG_AT | FLAG_BE | FLAG_BS | (forge.userVerified === false ? 0 : FLAG_UV);
    const authData = this.authData(forge.rpId ?? this.rpId, flags, 0, attested);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]) as never);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge, forge.origin ?? this.origin)),
        attestationObject: b64url(attestationObject),
        transports: ["internal" as const],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }

  /** The browser's answer to sign-in options (`navigator.credentials.get`). */
  assert(options: { challenge: string }, forge: Forgery = {}) {
    this.counter += 1;
    const flags = FLAG_UP | FLAG_BE | FLAG_BS | (forge.userVerified === false ? 0 : FLAG_UV);
    const authData = this.authData(forge.rpId ?? this.rpId, flags, forge.counter ?? this.counter);
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, forge.origin ?? this.origin);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...((forge.userHandle ?? this.userHandle) ? { userHandle: forge.userHandle ?? this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }
}
