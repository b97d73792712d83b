/**
 * What the two bare baselines (baseline-server.ts on SQLite, baseline-pg.ts on PostgreSQL)
 * share: the keys, the JSON in and out, the code HMAC and the JWTs, written once so the two
 * differ only in how they reach their database.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomInt, timingSafeEqual, verify, webcrypto, type JsonWebKey, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { importPKCS8, jwtVerify, SignJWT, type CryptoKey as JoseKey, type JWTPayload } from "jose";

export const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

export const ISSUER = "authsvc";
export const AUDIENCE = "authsvc";
export const CODE_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
const ACCESS_TTL_SEC = 15 * 60;

// The service derives its access-token key this way (packages/core/src/crypto/secrets.ts).
const secret = env("AUTH_SECRET");
export const derive = (label: string) => createHmac("sha256", secret).update(`authsvc:${label}`).digest();
export const accessKey = await webcrypto.subtle.importKey("raw", derive("access-token"), { name: "HMAC", hash: "SHA-256" }, false, [
  "sign",
  "verify",
]);
const codeKey = derive("code");
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const firebaseKey: JoseKey = await importPKCS8(privateKey, "RS256");

/** The session-and-user row of a token check, its columns named as user.me answers them. */
export const SESSION_AND_USER_COLUMNS = `s.user_id AS "userId", s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt", s.last_used_at AS "lastUsedAt",
            u.id, u.email, u.phone, u.username, u.full_name AS "fullName", u.birth_date AS "birthDate", u.bio,
            u.picture_url AS "pictureUrl", u.role, u.status, u.customer_number AS "customerId", u.account_number AS "accountNumber",
            u.email_verified_at AS "emailVerifiedAt", u.phone_verified_at AS "phoneVerifiedAt", u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

export const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
};

export function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", reject);
  });
}

export const codeHash = (id: string, purpose: string, destination: string, userId: number | null, code: string) =>
  createHmac("sha256", codeKey).update(`${id}|${purpose}|${destination}|${userId ?? ""}|${code}`).digest("base64url");

export const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
export const digits = (n: number) => Array.from({ length: n }, () => randomInt(0, 10)).join("");
export const accountNumbers = () => [Number(String(randomInt(1, 10)) + digits(11)), String(randomInt(1, 10)) + digits(9)] as const;

export const signAccess = (userId: number, sid: string, role: string) => {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid, gen: 0, role })
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TTL_SEC)
    .sign(accessKey);
};

/** A Firebase-style RS256 custom token, as family 001's /3p/token answers. */
export const firebaseToken = (uid: string) => {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ uid })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer("bench@bench.local")
    .setSubject("bench@bench.local")
    .setAudience("https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit")
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(firebaseKey);
};

export const meta = (req: IncomingMessage) => [req.socket.remoteAddress ?? null, req.headers["user-agent"]?.slice(0, 256) ?? null] as const;

/** Serves `route` on 127.0.0.1:PORT until SIGTERM. */
export function listen(route: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      console.error(err);
      if (!res.headersSent) send(res, 500, { error: "internal" });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(env("PORT")), "127.0.0.1", () => console.log(`baseline listening on ${env("PORT")}`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

/** Where the service publishes its keys; the baseline checks ES256 and EdDSA tokens with the same keys. */
const SERVICE_ORIGIN = process.env.SERVICE_ORIGIN;
const publicKeys = new Map<string, { alg: string; key: KeyObject }>();

/** The published key named `kid`, reading the service's key set again when it is not known yet. */
async function publicKey(kid: string) {
  if (!publicKeys.has(kid) && SERVICE_ORIGIN) {
    const { keys } = (await (await fetch(`${SERVICE_ORIGIN}/.well-known/jwks.json`)).json()) as { keys: (JsonWebKey & { kid: string; alg: string })[] };
    for (const jwk of keys) publicKeys.set(jwk.kid, { alg: jwk.alg, key: createPublicKey({ key: jwk, format: "jwk" }) });
  }
  return publicKeys.get(kid);
}

const fromB64 = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

/**
 * The access token's claims, or a throw. HS256 with jose (WebCrypto); ES256 and EdDSA with
 * node:crypto's verify and the service's own published key, as the service checks them: the
 * same library and key, by hand.
 */
export async function verifyAccess(token: string): Promise<JWTPayload> {
  const [h, p, sig] = token.split(".");
  if (!h || !p || !sig) throw new Error("malformed");
  const header = fromB64(h);
  if (header.alg === "HS256") {
    return (await jwtVerify(token, accessKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"], typ: "at+jwt" })).payload;
  }
  const known = typeof header.kid === "string" ? await publicKey(header.kid) : undefined;
  if (!known || known.alg !== header.alg || header.typ !== "at+jwt") throw new Error("unknown key");
  const input = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(sig, "base64url");
  const ok =
    known.alg === "EdDSA"
      ? verify(null, input, known.key, signature)
      : verify("sha256", input, { key: known.key, dsaEncoding: "ieee-p1363" }, signature);
  if (!ok) throw new Error("signature");
  const claims = fromB64(p) as JWTPayload;
  if (claims.iss !== ISSUER || claims.aud !== AUDIENCE || typeof claims.exp !== "number" || claims.exp <= Date.now() / 1000) throw new Error("claims");
  return claims;
}
