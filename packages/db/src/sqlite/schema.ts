import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Epoch milliseconds; every timestamp in the store uses this one unit. */
const ms = (name: string) => integer(name, { mode: "number" });

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email"),
    phone: text("phone"),
    username: text("username"),
    fullName: text("full_name"),
    birthDate: text("birth_date"),
    bio: text("bio"),
    pictureUrl: text("picture_url"),
    role: text("role", { enum: ["user", "customer", "admin"] }).notNull().default("user"),
    status: text("status", { enum: ["ACTIVE", "PENDING_VERIFICATION", "DISABLED"] })
      .notNull()
      .default("ACTIVE"),
    customerNumber: integer("customer_number").notNull(),
    accountNumber: text("account_number").notNull(),
    emailVerifiedAt: ms("email_verified_at"),
    phoneVerifiedAt: ms("phone_verified_at"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_phone_unique").on(t.phone),
    uniqueIndex("users_username_unique").on(sql`lower(${t.username})`),
    uniqueIndex("users_customer_number_unique").on(t.customerNumber),
    uniqueIndex("users_account_number_unique").on(t.accountNumber),
  ],
);

export const credentials = sqliteTable("credentials", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  passwordHash: text("password_hash"),
  passwordChangedAt: ms("password_changed_at"),
  pinHash: text("pin_hash"),
  pinChangedAt: ms("pin_changed_at"),
  /** Wrong PINs in a row; reset by a right PIN or a PIN reset. */
  pinFailures: integer("pin_failures").notNull().default(0),
  /** Set when pinFailures reaches the limit; only a reset by code lifts it. */
  pinLockedAt: ms("pin_locked_at"),
});

export const challenges = sqliteTable(
  "challenges",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    // A sign-in's second step and a passkey ceremony send nothing: their channel is `none`.
    purpose: text("purpose", {
      enum: ["signup", "login", "verify_email", "verify_phone", "password_reset", "pin_reset", "second_factor", "webauthn"],
    }).notNull(),
    channel: text("channel", { enum: ["sms", "email", "none"] }).notNull(),
    destination: text("destination").notNull(),
    codeHash: text("code_hash").notNull(),
    expiresAt: ms("expires_at").notNull(),
    attemptsLeft: integer("attempts_left").notNull(),
    consumedAt: ms("consumed_at"),
    /** A newer code for the same purpose and destination replaced this one. */
    supersededAt: ms("superseded_at"),
    sendCount: integer("send_count").notNull().default(1),
    lastSentAt: ms("last_sent_at").notNull(),
    /** Registration data of a pending sign-up (family 003), password already hashed. */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Who asked for the code (an address group or a known device): a send replaces only its own. */
    requester: text("requester"),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [index("challenges_lookup").on(t.purpose, t.destination, t.createdAt)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    /** Bumped by every access-token renewal: only a token of the current generation renews. */
    generation: integer("generation").notNull().default(0),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    lastUsedAt: ms("last_used_at").notNull(),
    /** Last time the person proved who they are (password, code or PIN) on this session. */
    authenticatedAt: ms("authenticated_at").notNull(),
    revokedAt: ms("revoked_at"),
    revokedReason: text("revoked_reason"),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const opaqueTokens = sqliteTable(
  "opaque_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull(),
    kind: text("kind", { enum: ["bearer", "cookie", "password_reset"] }).notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id").references(() => sessions.id, { onDelete: "cascade" }),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    usedAt: ms("used_at"),
  },
  (t) => [uniqueIndex("opaque_tokens_hash").on(t.tokenHash)],
);

export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    windowStart: ms("window_start").notNull(),
  },
  // The purge deletes ended windows by their start.
  (t) => [index("rate_limits_window_start").on(t.windowStart)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: ms("at").notNull(),
    userId: integer("user_id"),
    kind: text("kind").notNull(),
    outcome: text("outcome", { enum: ["ok", "fail"] }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_user_at").on(t.userId, t.at), index("audit_kind_at").on(t.kind, t.at)],
);

export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel", { enum: ["sms", "email", "event"] }).notNull(),
    to: text("to").notNull(),
    purpose: text("purpose").notNull(),
    subject: text("subject"),
    text: text("text").notNull(),
    html: text("html"),
    /** The code the message carries, kept only so the dev outbox can show it. */
    code: text("code"),
    status: text("status", { enum: ["queued", "sending", "sent", "failed"] }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** Why the last attempt failed; kept after a later success as a record of the retry. */
    error: text("error"),
    /** The code's challenge, so a retry never delivers a code that was replaced or used. */
    challengeId: text("challenge_id"),
    /** When a failed message is tried again, or when the claim on a sending one lapses; null once sent or given up. */
    nextAttemptAt: ms("next_attempt_at"),
    createdAt: ms("created_at").notNull(),
    sentAt: ms("sent_at"),
  },
  (t) => [index("outbox_to").on(t.to, t.id), index("outbox_pending").on(t.status, t.nextAttemptAt)],
);

/** Keys every instance shares (the generated Firebase key), sealed by core before they get here. */
export const keptKeys = sqliteTable("kept_keys", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: ms("created_at").notNull(),
});

/** Keys that sign JWTs (ES256, EdDSA, RS256): the public JWK, the private key sealed by core. */
export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg", { enum: ["ES256", "EdDSA", "RS256"] }).notNull(),
  publicJwk: text("public_jwk").notNull(),
  sealedPrivateKey: text("sealed_private_key").notNull(),
  createdAt: ms("created_at").notNull(),
  activatesAt: ms("activates_at").notNull(),
});

/** An account's authenticator apps (TOTP) and passkeys; a TOTP enrolment is unconfirmed until its first code. */
export const secondFactors = sqliteTable(
  "second_factors",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["totp", "passkey"] }).notNull(),
    name: text("name").notNull(),
    /** TOTP: the shared secret, sealed by core. */
    secret: text("secret"),
    /** TOTP: the last time step a code was accepted for; a code is accepted only for a later one. */
    lastStep: integer("last_step"),
    /** Passkey: unique across accounts; TOTP factors have none (NULLs never collide). */
    credentialId: text("credential_id"),
    publicKey: text("public_key"),
    signCount: integer("sign_count").notNull().default(0),
    transports: text("transports", { mode: "json" }).$type<string[]>(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull().default(false),
    multiDevice: integer("multi_device", { mode: "boolean" }).notNull().default(false),
    createdAt: ms("created_at").notNull(),
    confirmedAt: ms("confirmed_at"),
    lastUsedAt: ms("last_used_at"),
  },
  // Every sign-in asks whether the account has a confirmed factor: by user. The purge looks
  // for enrolments never confirmed, which are few, without reading the confirmed ones.
  (t) => [
    index("second_factors_user").on(t.userId),
    uniqueIndex("second_factors_credential_id_unique").on(t.credentialId),
    index("second_factors_unconfirmed").on(t.createdAt).where(sql`confirmed_at IS NULL`),
  ],
);

/** Single-use recovery codes, as their keyed hashes: a code is looked up by its account and hash. */
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: ms("created_at").notNull(),
    usedAt: ms("used_at"),
  },
  (t) => [index("recovery_codes_user_hash").on(t.userId, t.codeHash)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Credentials = typeof credentials.$inferSelect;
export type Challenge = typeof challenges.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type OpaqueToken = typeof opaqueTokens.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type OutboxMessage = typeof outbox.$inferSelect;
export type SecondFactor = typeof secondFactors.$inferSelect;
export type RecoveryCode = typeof recoveryCodes.$inferSelect;

/**
 * What the OpenID Connect provider keeps (oidc-provider's models), one table for all of them:
 * the payload as the library gives it, and the columns it looks rows up by.
 */
export const oidcModels = sqliteTable(
  "oidc_models",
  {
    model: text("model").notNull(),
    id: text("id").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    grantId: text("grant_id"),
    uid: text("uid"),
    userCode: text("user_code"),
    expiresAt: ms("expires_at"),
    consumedAt: ms("consumed_at"),
  },
  // A grant's revocation reads by grant; an interaction is found by its uid; the purge by expiry.
  (t) => [
    primaryKey({ columns: [t.model, t.id] }),
    index("oidc_models_grant").on(t.grantId),
    index("oidc_models_uid").on(t.uid),
    index("oidc_models_user_code").on(t.userCode),
    index("oidc_models_expires").on(t.expiresAt),
  ],
);

/** Applications that sign their users in with us; a secret is kept only as its keyed hash. */
export const oidcClients = sqliteTable("oidc_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
  postLogoutRedirectUris: text("post_logout_redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
  kind: text("kind", { enum: ["public", "confidential"] }).notNull(),
  secretHash: text("secret_hash"),
  createdAt: ms("created_at").notNull(),
  revokedAt: ms("revoked_at"),
});

export type OidcModel = typeof oidcModels.$inferSelect;
export type OidcClient = typeof oidcClients.$inferSelect;
