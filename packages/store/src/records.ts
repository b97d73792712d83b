/**
 * The rows core reads and writes, as core sees them: plain data, every time in epoch
 * milliseconds. Each engine's schema (packages/db) must produce exactly these shapes; its
 * tests check that its Drizzle types and these stay assignable both ways.
 */

export type UserRole = "user" | "customer" | "admin";
export type UserStatus = "ACTIVE" | "PENDING_VERIFICATION" | "DISABLED";

export interface User {
  id: number;
  email: string | null;
  phone: string | null;
  username: string | null;
  fullName: string | null;
  birthDate: string | null;
  bio: string | null;
  pictureUrl: string | null;
  role: UserRole;
  status: UserStatus;
  customerNumber: number;
  accountNumber: string;
  emailVerifiedAt: number | null;
  phoneVerifiedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A user to create: the store gives the id. */
export type NewUser = Omit<User, "id">;

export interface Credentials {
  userId: number;
  passwordHash: string | null;
  passwordChangedAt: number | null;
  pinHash: string | null;
  pinChangedAt: number | null;
  /** Wrong PINs in a row; reset by a right PIN or a PIN reset. */
  pinFailures: number;
  /** Set when pinFailures reaches the limit; only a reset by code lifts it. */
  pinLockedAt: number | null;
}

export type CodePurpose = "signup" | "login" | "verify_email" | "verify_phone" | "password_reset" | "pin_reset";
export type CodeChannel = "sms" | "email";
/**
 * What a challenge is for: a code sent for a purpose, or a step that sends nothing: the
 * second step of a sign-in (`second_factor`, its "code" the ticket's secret) and a passkey
 * ceremony's challenge (`webauthn`).
 */
export type ChallengePurpose = CodePurpose | "second_factor" | "webauthn";
export type ChallengeChannel = CodeChannel | "none";

export interface Challenge {
  id: string;
  userId: number | null;
  purpose: ChallengePurpose;
  channel: ChallengeChannel;
  destination: string;
  codeHash: string;
  expiresAt: number;
  attemptsLeft: number;
  consumedAt: number | null;
  /** A newer code for the same purpose and destination replaced this one. */
  supersededAt: number | null;
  sendCount: number;
  lastSentAt: number;
  /** Registration data of a pending sign-up, password already hashed. */
  payload: Record<string, unknown> | null;
  /**
   * Who asked for it (core's requester key: an address group or a known device); null for
   * codes made before requesters were recorded. A send replaces only its requester's code.
   */
  requester: string | null;
  createdAt: number;
}

export type NewChallenge = Omit<Challenge, "consumedAt" | "supersededAt">;

export interface Session {
  id: string;
  userId: number;
  kind: string;
  /** Bumped by every access-token renewal: only a token of the current generation renews. */
  generation: number;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
  /** Last time the person proved who they are (password, code or PIN) on this session. */
  authenticatedAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
  userAgent: string | null;
  ip: string | null;
}

export type NewSession = Omit<Session, "generation" | "revokedAt" | "revokedReason">;

export type OpaqueKind = "bearer" | "cookie" | "password_reset";

export interface OpaqueToken {
  id: number;
  tokenHash: string;
  kind: OpaqueKind;
  userId: number;
  sessionId: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type NewOpaqueToken = Omit<OpaqueToken, "id" | "usedAt">;

export interface AuditEvent {
  id: number;
  at: number;
  userId: number | null;
  kind: string;
  outcome: "ok" | "fail";
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

export type NewAuditEvent = Omit<AuditEvent, "id">;

export type OutboxStatus = "queued" | "sending" | "sent" | "failed";

/**
 * A message to a person (SMS, email), or an event for the operator's webhook (core's
 * events/): the same outbox gives both their retries and their one sender across instances.
 */
export type OutboxChannel = CodeChannel | "event";

export interface OutboxMessage {
  id: number;
  channel: OutboxChannel;
  to: string;
  purpose: string;
  subject: string | null;
  text: string;
  html: string | null;
  /** The code the message carries, kept only so the dev outbox can show it. */
  code: string | null;
  status: OutboxStatus;
  attempts: number;
  /** Why the last attempt failed; kept after a later success as a record of the retry. */
  error: string | null;
  /** The code's challenge, so a retry never delivers a code that was replaced or used. */
  challengeId: string | null;
  /** When a failed message is tried again, or when a claim on a sending one lapses; null once settled. */
  nextAttemptAt: number | null;
  createdAt: number;
  sentAt: number | null;
}

export type NewOutboxMessage = Pick<OutboxMessage, "channel" | "to" | "purpose" | "subject" | "text" | "html" | "code" | "challengeId" | "createdAt">;

export type SecondFactorKind = "totp" | "passkey";

/**
 * A second factor of an account: an authenticator app (TOTP) or a passkey (WebAuthn). A TOTP
 * factor counts only once confirmed by a first code; a passkey is confirmed when registered.
 */
export interface SecondFactor {
  id: number;
  userId: number;
  kind: SecondFactorKind;
  /** The holder's name for it ("Pixel 8", "Authenticator"). */
  name: string;
  /** TOTP: the shared secret, sealed by core (never in clear); null for a passkey. */
  secret: string | null;
  /** TOTP: the last time step a code was accepted for (a code is accepted once); null before any. */
  lastStep: number | null;
  /** Passkey: the credential id (base64url), unique across accounts; null for TOTP. */
  credentialId: string | null;
  /** Passkey: the COSE public key (base64url). */
  publicKey: string | null;
  /** Passkey: the authenticator's signature counter, as last seen. */
  signCount: number;
  /** Passkey: the transports the browser reported (JSON array), for the next ceremony's hints. */
  transports: string[] | null;
  /** Passkey: whether it is backed up (synced), and may be. */
  backedUp: boolean;
  multiDevice: boolean;
  createdAt: number;
  /** Null while a TOTP enrolment waits for its first code. */
  confirmedAt: number | null;
  lastUsedAt: number | null;
}

export type NewSecondFactor = Omit<SecondFactor, "id" | "lastUsedAt">;

/** One single-use recovery code of an account, as its keyed hash. */
export interface RecoveryCode {
  id: number;
  userId: number;
  codeHash: string;
  createdAt: number;
  usedAt: number | null;
}

/**
 * One thing the OpenID Connect provider keeps (oidc-provider's models: a code, an access or
 * refresh token, a grant, a browser session, an interaction), keyed by its model's name and
 * id. The payload is the library's, kept as it gives it; the other columns are what it looks
 * things up by.
 */
export interface OidcModel {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  /** Null: lives until destroyed. */
  expiresAt: number | null;
  /** A single-use thing (a code, a rotated refresh token) used once. */
  consumedAt: number | null;
}

export type NewOidcModel = Omit<OidcModel, "consumedAt">;

/**
 * An application registered to sign its users in with us (an OpenID Connect relying party).
 * A confidential one holds a secret, kept here only as a keyed hash; a public one (a mobile or
 * browser app) has none and must use PKCE.
 */
export interface OidcClient {
  id: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  kind: "public" | "confidential";
  secretHash: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export type NewOidcClient = Omit<OidcClient, "revokedAt">;
/** An asymmetric algorithm the service signs JWTs with (sessions/signing-keys.ts in core). */
export type SigningAlg = "ES256" | "EdDSA" | "RS256";

/**
 * A key the service signs JWTs with. Its private half is sealed under AUTH_SECRET by core (the
 * store never sees it in clear); its public half is published. A key is its algorithm's
 * signing key from `activatesAt` until a newer one of the same algorithm activates, and
 * verifies until core retires it.
 */
export interface SigningKeyRecord {
  kid: string;
  alg: SigningAlg;
  /** The public JWK, as JSON. */
  publicJwk: string;
  sealedPrivateKey: string;
  createdAt: number;
  activatesAt: number;
}
