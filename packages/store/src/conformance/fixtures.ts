import { afterEach, beforeEach } from "vitest";
import type { NewChallenge, NewOpaqueToken, NewOutboxMessage, NewSecondFactor, NewSession, NewUser, User } from "../records";
import type { Store } from "../store";
import type { ConformanceEngine } from "./index";

/** A fresh store per test, closed after it: no test sees another's rows. */
export function useStore(engine: ConformanceEngine): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await engine.open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (!store) throw new Error("no store outside a test");
    return store;
  };
}

export const T0 = 1_700_000_000_000;

let serial = 0;
/** Distinct customer and account numbers per call, so fixtures never collide by accident. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  serial++;
  return {
    email: null,
    phone: null,
    username: null,
    fullName: null,
    birthDate: null,
    bio: null,
    pictureUrl: null,
    role: "user",
    status: "ACTIVE",
    customerNumber: 100_000_000_000 + serial,
    accountNumber: String(1_000_000_000 + serial),
    emailVerifiedAt: null,
    phoneVerifiedAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export async function aUser(store: Store, overrides: Partial<NewUser> = {}): Promise<User> {
  return store.users.create(newUser(overrides), null);
}

let challengeSerial = 0;
export function newChallenge(overrides: Partial<NewChallenge> = {}): NewChallenge {
  challengeSerial++;
  return {
    id: `ch-${challengeSerial}-${Math.random().toString(36).slice(2)}`,
    userId: null,
    purpose: "login",
    channel: "email",
    destination: "ana@example.com",
    codeHash: `hash-${challengeSerial}`,
    expiresAt: T0 + 600_000,
    attemptsLeft: 5,
    sendCount: 1,
    lastSentAt: T0,
    payload: null,
    requester: "ip:192.0.2.1",
    createdAt: T0,
    ...overrides,
  };
}

let sessionSerial = 0;
export function newSession(userId: number, overrides: Partial<NewSession> = {}): NewSession {
  sessionSerial++;
  return {
    id: `sess-${sessionSerial}-${Math.random().toString(36).slice(2)}`,
    userId,
    kind: "web",
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    lastUsedAt: T0,
    authenticatedAt: T0,
    userAgent: "agent",
    ip: "203.0.113.7",
    ...overrides,
  };
}

let tokenSerial = 0;
export function newToken(userId: number, overrides: Partial<NewOpaqueToken> = {}): NewOpaqueToken {
  tokenSerial++;
  return {
    tokenHash: `th-${tokenSerial}-${Math.random().toString(36).slice(2)}`,
    kind: "bearer",
    userId,
    sessionId: null,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    ...overrides,
  };
}

export function newMessage(overrides: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    channel: "email",
    to: "ana@example.com",
    purpose: "login",
    subject: "Your code",
    text: "Your code is 123456",
    html: "<p>Your code is 123456</p>",
    code: "123456",
    challengeId: null,
    createdAt: T0,
    ...overrides,
  };
}

/** An authenticator app waiting for its first code. */
export function newTotp(userId: number, overrides: Partial<NewSecondFactor> = {}): NewSecondFactor {
  return {
    userId,
    kind: "totp",
    name: "Authenticator",
    secret: "sealed-secret",
    lastStep: null,
    credentialId: null,
    publicKey: null,
    signCount: 0,
    transports: null,
    backedUp: false,
    multiDevice: false,
    createdAt: T0,
    confirmedAt: null,
    ...overrides,
  };
}

let credentialSerial = 0;
/** A passkey, confirmed when registered, with a credential id of its own. */
export function newPasskey(userId: number, overrides: Partial<NewSecondFactor> = {}): NewSecondFactor {
  credentialSerial++;
  return {
    userId,
    kind: "passkey",
    name: "Pixel 8",
    secret: null,
    lastStep: null,
    credentialId: `cred-${credentialSerial}-${Math.random().toString(36).slice(2)}`,
    publicKey: "pQECAyYgASFYIB",
    signCount: 0,
    transports: ["internal", "hybrid"],
    backedUp: true,
    multiDevice: true,
    createdAt: T0,
    confirmedAt: T0,
    ...overrides,
  };
}

/** Lets other callers' work interleave, as a real request would between two store calls. */
export const pause = (ms = 5) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The rejection of a promise expected to fail (the test fails when it does not). */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
