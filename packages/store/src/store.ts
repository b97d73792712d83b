import type {
  AuditEvent,
  Challenge,
  ChallengePurpose,
  Credentials,
  NewAuditEvent,
  NewChallenge,
  NewOidcClient,
  NewOidcModel,
  NewOpaqueToken,
  NewOutboxMessage,
  NewSession,
  NewUser,
  NewSecondFactor,
  OidcClient,
  OidcModel,
  OpaqueToken,
  OutboxMessage,
  SecondFactor,
  Session,
  SigningKeyRecord,
  User,
} from "./records";

/**
 * Where core keeps its state. Core speaks only this interface: no SQL, no Drizzle, no
 * driver. Each method is one statement's worth of work and safe under concurrency by
 * itself (the engine guards it: a conditional UPDATE, an upsert, a row lock); work that
 * must happen together runs in `transaction`. Two engines implement it (packages/db)
 * and pass one conformance suite.
 */
export interface Store {
  users: UserRepository;
  credentials: CredentialRepository;
  challenges: ChallengeRepository;
  sessions: SessionRepository;
  tokens: OpaqueTokenRepository;
  limits: LimitRepository;
  audit: AuditRepository;
  outbox: OutboxRepository;
  maintenance: MaintenanceRepository;
  keys: KeyRepository;
  factors: SecondFactorRepository;
  oidc: OidcModelRepository;
  oidcClients: OidcClientRepository;
  /**
   * Runs `fn` with a store bound to one transaction: all or nothing, serialisable with
   * respect to the other transactions that touch the same rows. Nested calls are savepoints.
   * The body does store work only (no hashing, signing or sending): the engine may hold a
   * lock or a connection for its whole length, and may run it again after a serialisation
   * failure.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with a store whose writes may share one commit, on an engine where a commit
   * costs more than the small writes before it (SQLite: one write transaction for all of
   * them). Not all or nothing: every write the body made stays, also when it throws, just as
   * if each had been committed on its own; `transaction` inside it is still all or nothing.
   * An engine may run the body on itself, each write committed alone. As in a transaction,
   * the body does store work only. Inside a transaction, it is that transaction's work.
   */
  batch<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** True once every migration the code expects has been applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * What stays of a message's text (and html, when it has one) once it must no longer be kept
 * in clear; its code becomes null. The engines write it when a message is sent redacted or
 * given up, and core passes it as `PurgeCutoffs.redacted`.
 */
export const REDACTED = "[redacted]";

/**
 * The most live codes one check reads for a destination: each requester may hold one. Above
 * core's default ceiling of sends to one destination an hour (codes live minutes), so no code
 * that can be live is left unread, and a stranger cannot hide the owner's code behind newer ones.
 */
export const LIVE_CHALLENGES_READ = 25;

/** A unique value another row already holds; the store names the field, core names the error. */
export class UniqueConflict extends Error {
  constructor(readonly field: "email" | "phone" | "username" | "customerNumber" | "accountNumber") {
    super(`unique conflict on ${field}`);
    this.name = "UniqueConflict";
  }
}

export interface UserRepository {
  byId(id: number): Promise<User | undefined>;
  byEmail(email: string): Promise<User | undefined>;
  byPhone(phone: string): Promise<User | undefined>;
  /** Case-insensitive, as the unique index. */
  byUsername(username: string): Promise<User | undefined>;
  byAccount(customerNumber: number, accountNumber: string): Promise<User | undefined>;
  numberTaken(field: "customerNumber" | "accountNumber", value: number | string): Promise<boolean>;
  /** The user and its credentials row, together. Throws UniqueConflict. */
  create(user: NewUser, password: { hash: string; at: number } | null): Promise<User>;
  /**
   * Writes the patch as given (the caller sets `updatedAt`: the store has no clock). Throws
   * UniqueConflict; undefined when no such user.
   */
  update(id: number, patch: Partial<Omit<User, "id" | "createdAt">>): Promise<User | undefined>;
}

export interface CredentialRepository {
  get(userId: number): Promise<Credentials | undefined>;
  setPassword(userId: number, hash: string, at: number): Promise<void>;
  /** Removes the password (hash and time): the account has none until its holder sets one. */
  clearPassword(userId: number): Promise<void>;
  /** Sets a PIN unless the PIN is locked; false when locked. Clears the failure count. */
  setPinIfUnlocked(userId: number, hash: string, at: number): Promise<boolean>;
  /** Sets a PIN and lifts any lock (a reset by code). */
  resetPin(userId: number, hash: string, at: number): Promise<void>;
  /**
   * Counts one PIN try before it is checked, only while a PIN is set, not locked and under
   * `max` failures: the count after the try and the hash to compare, or undefined.
   */
  reservePinTry(userId: number, max: number): Promise<{ failures: number; hash: string } | undefined>;
  clearPinFailures(userId: number): Promise<void>;
  lockPin(userId: number, at: number): Promise<void>;
  /** Clears failures and lock; true when there was something to lift. */
  liftPinLock(userId: number): Promise<boolean>;
}

export interface ChallengeRepository {
  byId(id: string): Promise<Challenge | undefined>;
  /**
   * The newest for (purpose, destination), live or not. Of two created in the same
   * millisecond (a frozen clock), the one not superseded: the later one replaced the other.
   */
  latest(purpose: ChallengePurpose, destination: string): Promise<Challenge | undefined>;
  /** The newest for (purpose, destination) that `requester` asked for, live or not (ties as `latest`). */
  latestFrom(purpose: ChallengePurpose, destination: string, requester: string): Promise<Challenge | undefined>;
  /**
   * The live ones (not consumed, not replaced; expired or not) for (purpose, destination),
   * newest first, at most LIVE_CHALLENGES_READ of them.
   */
  live(purpose: ChallengePurpose, destination: string): Promise<Challenge[]>;
  insert(c: NewChallenge): Promise<Challenge>;
  /** Marks every live one for (purpose, destination) replaced; with `requester`, only that requester's. */
  supersedeLive(purpose: ChallengePurpose, destination: string, at: number, requester?: string): Promise<void>;
  /**
   * Marks this one replaced if still live, and drops its payload (a registration's data, with
   * its password hash, dies with it); false when it was not live.
   */
  supersede(id: string, at: number): Promise<boolean>;
  /** Marks every live one of the user for the purpose replaced. */
  supersedeLiveOfUser(userId: number, purpose: ChallengePurpose, at: number): Promise<void>;
  /** Consumes it only if still live (not consumed, not replaced); false otherwise. */
  consume(id: string, at: number): Promise<boolean>;
  /** Takes one try if any is left; the tries left after it, or undefined when none was. */
  spendAttempt(id: string): Promise<number | undefined>;
  /** A send that never left: the cooldown starts over. */
  clearLastSent(id: string): Promise<void>;
  /** Drops the registration payload (a password hash) of sign-ups to `destination`, but `exceptId`. */
  dropSignupPayloads(destination: string, exceptId?: string): Promise<void>;
}

export interface SessionRepository {
  insert(s: NewSession): Promise<Session>;
  byId(id: string): Promise<Session | undefined>;
  /**
   * The session and its user, as one read where the engine can: every token check needs both,
   * and on a server each read is a round trip. Undefined when there is no such session.
   */
  byIdWithUser(id: string): Promise<{ session: Session; user: User } | undefined>;
  touch(id: string, at: number): Promise<void>;
  markAuthenticated(id: string, at: number): Promise<void>;
  /** Compare-and-set of the renewal generation; false when another renewal got there first. */
  advanceGeneration(id: string, from: number, at: number): Promise<boolean>;
  /** Revokes it if not yet revoked; false otherwise. */
  revoke(id: string, at: number, reason: string): Promise<boolean>;
  /** Revokes every unrevoked session of the user but `exceptId`; how many. */
  revokeAllOfUser(userId: number, at: number, reason: string, exceptId?: string): Promise<number>;
  /** Unrevoked sessions of the user, most recently used first (expired ones included). */
  listUnrevoked(userId: number): Promise<Session[]>;
}

export interface OpaqueTokenRepository {
  insert(t: NewOpaqueToken): Promise<void>;
  byHash(tokenHash: string): Promise<OpaqueToken | undefined>;
  /** Marks it used only if unused; false when another request used it first. */
  use(id: number, at: number): Promise<boolean>;
  /** Marks every unused token of the user of this kind used. */
  useAllOfUser(userId: number, kind: OpaqueToken["kind"], at: number): Promise<void>;
}

export interface LimitBucket {
  count: number;
  windowStart: number;
}

export interface LimitRepository {
  /**
   * Adds `n` to the bucket in one step (a new window starts when the old one has ended) and
   * returns the bucket after the hit: concurrent hits each count exactly once.
   */
  hit(key: string, n: number, windowMs: number, at: number): Promise<LimitBucket>;
  peek(key: string): Promise<LimitBucket | undefined>;
  reset(key: string): Promise<void>;
  /** Clears every bucket whose key starts with `prefix` (taken literally, no wildcards). */
  resetPrefix(prefix: string): Promise<void>;
}

export interface AuditQuery {
  userId?: number;
  kind?: string;
  from?: number;
  to?: number;
  /** Ids below this one (paging). */
  before?: number;
  limit: number;
}

export interface AuditRepository {
  insert(e: NewAuditEvent): Promise<void>;
  /** Newest first. */
  list(q: AuditQuery): Promise<AuditEvent[]>;
}

export interface OutboxRepository {
  /**
   * Writes a message already claimed by the caller (status `sending` until `leaseUntil`), so
   * no other worker sends it while the caller does.
   */
  insertClaimed(m: NewOutboxMessage, leaseUntil: number): Promise<OutboxMessage>;
  /**
   * Claims up to `limit` messages due for a try (failed with a retry due, a claim that lapsed,
   * queued by an older version) until `leaseUntil`, oldest first; a message is claimed by one
   * caller only. A queued row counts as claimed by its writer for one lease length
   * (`leaseUntil - at`) from its creation, as that version sent it at once.
   */
  claimDue(at: number, leaseUntil: number, limit: number): Promise<OutboxMessage[]>;
  markSent(id: number, attempts: number, at: number, redact: boolean): Promise<void>;
  /** `retryAt` null: given up (and redacted). */
  markFailed(id: number, attempts: number, error: string, retryAt: number | null): Promise<void>;
  /**
   * The messages to people (SMS and email, never an event), newest first; `to` matched
   * exactly as stored. What the dev outbox shows.
   */
  list(to: string | undefined, limit: number): Promise<OutboxMessage[]>;
}

/** The purge's steps; core decides the cutoffs, the store deletes or redacts a batch. */
export interface PurgeCutoffs {
  now: number;
  /** Challenges, opaque tokens, sessions and the OpenID provider's rows that expired before this. */
  graceCutoff: number;
  /** Limit buckets whose window began before this. */
  limitCutoff: number;
  /** Settled outbox rows created before this. */
  outboxCutoff: number;
  /** Audit events before this (null: kept). */
  auditCutoff: number | null;
  /** Second factors never confirmed (an authenticator app's enrolment left half-way) made before this. */
  enrolmentCutoff: number;
  /** How long a code message and a reset-link message stay useful. */
  codeMs: number;
  linkMs: number;
  redacted: string;
}

export type PurgeStep =
  | "signupPayloads"
  | "challenges"
  | "opaqueTokens"
  | "sessions"
  | "unconfirmedFactors"
  | "rateLimits"
  | "outboxRedacted"
  | "outboxDeleted"
  | "auditEvents"
  | "oidcModels";

/**
 * Keys every instance must hold alike (the generated Firebase signing key): generated by
 * whichever instance needs one first, then read by all. The value is opaque to the store;
 * the caller seals what must not be kept in clear.
 */
export interface KeyRepository {
  get(name: string): Promise<string | undefined>;
  /**
   * The value kept under `name`: `value` when none was kept yet, else the one kept first.
   * Two instances keeping one at the same moment both get the same winner.
   */
  keepFirst(name: string, value: string, at: number): Promise<string>;
  /** Every kept signing key, oldest first (by `createdAt`, then `kid`). */
  signingKeys(): Promise<SigningKeyRecord[]>;
  /** Keeps a new signing key; a `kid` already kept is left as it is. */
  addSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Deletes the signing keys with these kids; how many were deleted. */
  deleteSigningKeys(kids: readonly string[]): Promise<number>;
}

export interface SecondFactorRepository {
  /** The account's factors, confirmed or not, oldest first. */
  listOfUser(userId: number): Promise<SecondFactor[]>;
  /**
   * Whether the account has a confirmed factor, and of which kinds: every sign-in asks, so
   * one indexed read that returns nothing for most accounts.
   */
  confirmedKinds(userId: number): Promise<SecondFactor["kind"][]>;
  byId(id: number): Promise<SecondFactor | undefined>;
  /** A passkey by its credential id (any account). */
  byCredentialId(credentialId: string): Promise<SecondFactor | undefined>;
  /** Throws CredentialTaken when a passkey's credential id is already registered. */
  insert(f: NewSecondFactor): Promise<SecondFactor>;
  /** Confirms an unconfirmed factor of the user; false when there was none such. */
  confirm(id: number, userId: number, at: number): Promise<boolean>;
  /**
   * TOTP: accepts `step` only if it is later than the last one accepted (compare-and-set), and
   * records it with the time of use; false for a replay (or no such factor). Concurrent calls
   * with one step: exactly one true.
   */
  useStep(id: number, step: number, at: number): Promise<boolean>;
  /**
   * Passkey: records a use and the authenticator's new counter and backup state. A counter
   * that does not grow (both non-zero) is the caller's to refuse before calling.
   */
  usePasskey(id: number, signCount: number, backedUp: boolean, at: number): Promise<void>;
  /** Removes one factor of the user; false when it was not theirs or not there. */
  remove(id: number, userId: number): Promise<boolean>;
  /** Removes every factor of the user (and, in the same statement set, nothing else); how many. */
  removeAllOfUser(userId: number): Promise<number>;
  /** Unconfirmed TOTP enrolments of the user (a new enrolment replaces the one pending). */
  removeUnconfirmed(userId: number): Promise<void>;
  /** Replaces the user's recovery codes with these hashes (all unused). */
  replaceRecoveryCodes(userId: number, hashes: string[], at: number): Promise<void>;
  /** Marks the user's unused code with this hash used; false when none (used, wrong, or another's). Concurrent: one true. */
  useRecoveryCode(userId: number, hash: string, at: number): Promise<boolean>;
  /** How many unused recovery codes the user has. */
  recoveryCodesLeft(userId: number): Promise<number>;
  /** Deletes the user's recovery codes. */
  removeRecoveryCodes(userId: number): Promise<void>;
}

/** A passkey's credential id that another factor already holds. */
export class CredentialTaken extends Error {
  constructor() {
    super("credential id already registered");
    this.name = "CredentialTaken";
  }
}

export interface MaintenanceRepository {
  /** One batch of one step; how many rows it changed (fewer than `batch`: the step is done). */
  purge(step: PurgeStep, cutoffs: PurgeCutoffs, batch: number): Promise<number>;
}

/**
 * What the OpenID Connect provider keeps (see OidcModel): oidc-provider's adapter, one table
 * for every model. The store has no clock: the reads take the time, and answer nothing for a
 * row expired by then.
 */
export interface OidcModelRepository {
  /** Writes it whole, replacing what was kept under (model, id); a consumed row stays consumed. */
  upsert(row: NewOidcModel): Promise<void>;
  find(model: string, id: string, at: number): Promise<OidcModel | undefined>;
  findByUid(model: string, uid: string, at: number): Promise<OidcModel | undefined>;
  findByUserCode(model: string, userCode: string, at: number): Promise<OidcModel | undefined>;
  /** Marks it consumed only if it was not: false when it was (or is not there). Concurrent calls: one true. */
  consume(model: string, id: string, at: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  /** Deletes every row of the model that belongs to the grant; how many. */
  revokeByGrantId(model: string, grantId: string): Promise<number>;
}

export interface OidcClientRepository {
  insert(client: NewOidcClient): Promise<OidcClient>;
  byId(id: string): Promise<OidcClient | undefined>;
  /** Every client, revoked ones included, newest first. */
  list(): Promise<OidcClient[]>;
  /** Revokes it if not yet revoked; false otherwise. */
  revoke(id: string, at: number): Promise<boolean>;
}
