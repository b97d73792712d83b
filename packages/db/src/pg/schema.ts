import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The PostgreSQL twin of ../schema.ts: same tables, columns, names and indexes, so a row reads
 * the same from either engine (schema.test.ts compares the two). Where the types differ it
 * is for PostgreSQL's sake: SQLite's integer is 64-bit, PostgreSQL's is not.
 */

/** Epoch milliseconds, as on SQLite; bigint because they pass 2^31. */
const ms = (name: string) => bigint(name, { mode: "number" });

/**
 * Identity for the tables that only grow (tokens, audit, outbox, recovery codes): bigint, since
 * the counter keeps going after the rows are purged or replaced. By default rather than always, so rows copied from SQLite keep
 * their ids.
 */
const growingId = () => bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity();

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
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
    // Twelve digits: past integer's range.
    customerNumber: bigint("customer_number", { mode: "number" }).notNull(),
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

export const credentials = pgTable("credentials", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  passwordHash: text("password_hash"),
  passwordChangedAt: ms("password_changed_at"),
  pinHash: text("pin_hash"),
  pinChangedAt: ms("pin_changed_at"),
  pinFailures: integer("pin_failures").notNull().default(0),
  pinLockedAt: ms("pin_locked_at"),
});

export const challenges = pgTable(
  "challenges",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    // Plain text, as on SQLite: the enums are the types' only, so a new purpose needs no migration.
    purpose: text("purpose", {
      enum: ["signup", "login", "verify_email", "verify_phone", "password_reset", "pin_reset", "second_factor", "webauthn"],
    }).notNull(),
    channel: text("channel", { enum: ["sms", "email", "none"] }).notNull(),
    destination: text("destination").notNull(),
    codeHash: text("code_hash").notNull(),
    expiresAt: ms("expires_at").notNull(),
    attemptsLeft: integer("attempts_left").notNull(),
    consumedAt: ms("consumed_at"),
    supersededAt: ms("superseded_at"),
    sendCount: integer("send_count").notNull().default(1),
    lastSentAt: ms("last_sent_at").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>(),
    requester: text("requester"),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [index("challenges_lookup").on(t.purpose, t.destination, t.createdAt)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    generation: integer("generation").notNull().default(0),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    lastUsedAt: ms("last_used_at").notNull(),
    authenticatedAt: ms("authenticated_at").notNull(),
    revokedAt: ms("revoked_at"),
    revokedReason: text("revoked_reason"),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const opaqueTokens = pgTable(
  "opaque_tokens",
  {
    id: growingId(),
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

export const rateLimits = pgTable(
  "rate_limits",
  {
    // COLLATE "C" (migration 0003): code point order, so a key prefix is a key range the
    // primary key's index serves (resetPrefix).
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    windowStart: ms("window_start").notNull(),
  },
  // The purge deletes ended windows by their start.
  (t) => [index("rate_limits_window_start").on(t.windowStart)],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: growingId(),
    at: ms("at").notNull(),
    userId: integer("user_id"),
    kind: text("kind").notNull(),
    outcome: text("outcome", { enum: ["ok", "fail"] }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_user_at").on(t.userId, t.at), index("audit_kind_at").on(t.kind, t.at)],
);

export const outbox = pgTable(
  "outbox",
  {
    id: growingId(),
    channel: text("channel", { enum: ["sms", "email", "event"] }).notNull(),
    to: text("to").notNull(),
    purpose: text("purpose").notNull(),
    subject: text("subject"),
    text: text("text").notNull(),
    html: text("html"),
    code: text("code"),
    status: text("status", { enum: ["queued", "sending", "sent", "failed"] }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    challengeId: text("challenge_id"),
    nextAttemptAt: ms("next_attempt_at"),
    createdAt: ms("created_at").notNull(),
    sentAt: ms("sent_at"),
  },
  (t) => [index("outbox_to").on(t.to, t.id), index("outbox_pending").on(t.status, t.nextAttemptAt)],
);

/** Keys every instance shares (the generated Firebase key), sealed by core before they get here. */
export const keptKeys = pgTable("kept_keys", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: ms("created_at").notNull(),
});

/** Keys that sign JWTs (ES256, EdDSA, RS256): the public JWK, the private key sealed by core. */
export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg", { enum: ["ES256", "EdDSA", "RS256"] }).notNull(),
  publicJwk: text("public_jwk").notNull(),
  sealedPrivateKey: text("sealed_private_key").notNull(),
  createdAt: ms("created_at").notNull(),
  activatesAt: ms("activates_at").notNull(),
});

export const secondFactors = pgTable(
  "second_factors",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["totp", "passkey"] }).notNull(),
    name: text("name").notNull(),
    secret: text("secret"),
    // bigint, as SQLite's integer: a step is core's to choose, and a wider one costs nothing here.
    lastStep: bigint("last_step", { mode: "number" }),
    credentialId: text("credential_id"),
    publicKey: text("public_key"),
    // An authenticator's counter is unsigned 32-bit: past integer's range.
    signCount: bigint("sign_count", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>(),
    backedUp: boolean("backed_up").notNull().default(false),
    multiDevice: boolean("multi_device").notNull().default(false),
    createdAt: ms("created_at").notNull(),
    confirmedAt: ms("confirmed_at"),
    lastUsedAt: ms("last_used_at"),
  },
  (t) => [
    index("second_factors_user").on(t.userId),
    uniqueIndex("second_factors_credential_id_unique").on(t.credentialId),
    // The purge's enrolments never confirmed (few), without reading the confirmed ones.
    index("second_factors_unconfirmed").on(t.createdAt).where(sql`confirmed_at IS NULL`),
  ],
);

export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: growingId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: ms("created_at").notNull(),
    usedAt: ms("used_at"),
  },
  (t) => [index("recovery_codes_user_hash").on(t.userId, t.codeHash)],
);

/** As on SQLite: what the OpenID Connect provider keeps, one table for every model. */
export const oidcModels = pgTable(
  "oidc_models",
  {
    model: text("model").notNull(),
    id: text("id").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    grantId: text("grant_id"),
    uid: text("uid"),
    userCode: text("user_code"),
    expiresAt: ms("expires_at"),
    consumedAt: ms("consumed_at"),
  },
  (t) => [
    primaryKey({ name: "oidc_models_pkey", columns: [t.model, t.id] }),
    index("oidc_models_grant").on(t.grantId),
    index("oidc_models_uid").on(t.uid),
    index("oidc_models_user_code").on(t.userCode),
    index("oidc_models_expires").on(t.expiresAt),
  ],
);

export const oidcClients = pgTable("oidc_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  redirectUris: jsonb("redirect_uris").$type<string[]>().notNull(),
  postLogoutRedirectUris: jsonb("post_logout_redirect_uris").$type<string[]>().notNull(),
  kind: text("kind", { enum: ["public", "confidential"] }).notNull(),
  secretHash: text("secret_hash"),
  createdAt: ms("created_at").notNull(),
  revokedAt: ms("revoked_at"),
});
