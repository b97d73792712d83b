import type { CountryCode } from "libphonenumber-js";
import { TOKEN_ALGS, type TokenAlg } from "./sessions/signing-keys";

/** A limit of `max` events per `windowSec`. */
export interface Limit {
  max: number;
  windowSec: number;
}

export interface AuthOptions {
  /** Signs access tokens and keys code HMACs; at least 32 characters. */
  secret: string;
  /** Folder for generated keys (Firebase key pair) next to the database. */
  dataDir: string;
  /** Base URL of the web app, used in emailed links. */
  publicUrl: string;
  issuer: string;
  audience: string;
  defaultCountry: CountryCode;
  /** Countries whose numbers may receive SMS; any other number is invalid on every door. Default: the default country. */
  smsCountries: readonly CountryCode[];
  /** SMS to numbers that have no account yet (find-or-create), all of them together, per hour. */
  smsNewNumbersPerHour: number;
  /**
   * The share of that budget one requester (limits/requester.ts) may take an hour, counted
   * before the global one, so one client cannot spend everybody's budget.
   */
  smsNewNumbersPerRequesterPerHour: number;
  /** FIREBASE_SERVICE_ACCOUNT: a JSON key file's path or its content. */
  firebaseServiceAccount?: string;
  /**
   * How access tokens are signed: HS256 with a key derived from the secret (only this service
   * can check them), or ES256 / EdDSA with a kept key published at /.well-known/jwks.json.
   */
  tokenAlg: TokenAlg;
  accessTokenTtlSec: number;
  sessionTtlSec: number;
  /** Lifetime of family 001's opaque bearer token. */
  bearerTokenTtlSec: number;
  resetLinkTtlSec: number;
  /** pin.set without the current password needs a sign-in this recent. */
  recentAuthSec: number;
  code: {
    ttlSec: number;
    /** Wrong codes one requester may type for a purpose and destination before it is locked out of it for lockSec. */
    maxAttempts: number;
    /** Wrong codes one code takes from everybody together before it dies. */
    maxAttemptsPerCode: number;
    /** Cooldown before the first resend; it doubles with every send in the hour. */
    cooldownSec: number;
    maxCooldownSec: number;
    /** Sends per purpose, destination and requester. */
    perHour: number;
    perDay: number;
    /** Sends to one destination from everybody together, all purposes: only a ceiling against message bombing. */
    destinationPerHour: number;
    destinationPerDay: number;
    /** How long a requester stays locked out of a destination after maxAttempts wrong codes. */
    lockSec: number;
  };
  password: { minLength: number; maxLength: number };
  pin: { maxFailures: number };
  /**
   * The WebAuthn relying party (factors/passkeys.ts): its id (the site's domain, or a parent
   * domain of it), the origins ceremonies may come from, and the name authenticators show.
   * By default the host and origin of `publicUrl`.
   */
  webauthn: {
    rpId: string;
    origins: string[];
    rpName: string;
    /**
     * Why passkeys cannot work here, when the relying party was only derived from a
     * `publicUrl` that cannot host them (plain http off localhost, an IP address): the
     * service runs, and a passkey ceremony is refused saying so. Set explicitly, a relying
     * party that cannot work stops the start instead.
     */
    unavailable: string | null;
  };
  /** Second factors (factors/): the sign-in's second step and step-up. */
  secondFactor: {
    /** How long the second step of a sign-in may wait: its ticket's life. */
    ticketTtlSec: number;
    /** Wrong second steps one ticket takes before it dies (the first factor must be given again). */
    triesPerTicket: number;
    /** A proof this recent on a session lets it change what guards the account (step-up). */
    stepUpSec: number;
    /** How long an authenticator-app enrolment waits for its first code. */
    enrolmentTtlSec: number;
    /** Recovery codes made at a time. */
    recoveryCodes: number;
    /** The name core gives an authenticator app, in its QR code (`otpauth://` issuer). */
    issuerName: string;
  };
  limits: {
    /** Wrong passwords per account (and per identifier typed) from one client address before that client is locked out. */
    loginFailuresPerIdentifier: Limit;
    /** Wrong passwords per account from all addresses together; a code sign-in lifts it. */
    loginFailuresPerAccount: Limit;
    /** Login attempts (any method) per client address. */
    loginPerIp: Limit;
    /** Code sends per client address. */
    codeSendPerIp: Limit;
    /** Sign-ups per client address. */
    signupPerIp: Limit;
    /** Code checks that cost a password or PIN hash (reset by code, PIN re-login) per client address. */
    codeCheckPerIp: Limit;
    /**
     * Passkey sign-in ceremonies started per client address. A login page asks for one as it
     * opens (the browser's autofill), so this is apart from `loginPerIp`: looking at the page
     * spends no log-in.
     */
    passkeyCeremoniesPerIp: Limit;
    /**
     * Wrong second steps (authenticator code, recovery code) per account and requester
     * (limits/requester.ts): a stranger's tries never spend the owner's.
     */
    secondFactorFailures: Limit;
  };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /**
   * The OpenID Connect provider (packages/oidc): lifetimes of what it issues. Its access tokens
   * live `accessTokenTtlSec`, as ours.
   */
  oidc: {
    /** An authorization code: used at once by the application's back end. */
    codeTtlSec: number;
    /** An ID token; a replaced signing key keeps verifying at least this long (sessions/signing-keys.ts). */
    idTokenTtlSec: number;
    /** A refresh token; each use rotates it, and the chain ends this long after the sign-in. */
    refreshTokenTtlSec: number;
    /** A sign-in and consent in progress (the interaction pages). */
    interactionTtlSec: number;
    /** The provider's own browser session (it signs out through RP-initiated logout). */
    sessionTtlSec: number;
  };
  /** What the scheduled purge keeps (maintenance/purge.ts). */
  retention: {
    /** Audit events older than this many days are deleted; 0 keeps them for ever. */
    auditDays: number;
    /** Outbox rows (their secrets redacted long before) are deleted this many days after they were written. */
    outboxDays: number;
    /**
     * Expired challenges, tokens and sessions, and ended rate-limit windows, stay this long
     * before they are deleted, so that a late answer still says "expired" rather than "unknown".
     */
    graceSec: number;
  };
  /**
   * Multiplies the `max` of every rate limit (`limits.*`), the code send caps (`code.perHour`,
   * `code.perDay`, `code.destinationPerHour`, `code.destinationPerDay`) and one requester's share
   * of the new-number SMS budget; 1 leaves them as set. Lockouts after wrong codes or
   * PINs (`code.maxAttempts`, `pin.maxFailures`) and cooldowns are not limits and stay.
   * Applied once, by resolveOptions: the resolved `limits` and `code` are already scaled.
   * For load tests from one address (`pnpm bench`), never for production traffic.
   */
  rateLimitScale: number;
  /**
   * Signed event webhooks (events/): where the service POSTs what happened to accounts and
   * sessions, signed as Standard Webhooks says with `secret` (`whsec_` and base64), and how
   * long one POST may take. Null: no event is written at all.
   */
  events: EventsWebhook | null;
}

export interface EventsWebhook {
  url: string;
  secret: string;
  timeoutMs: number;
}

export type AuthOptionsInput = Pick<AuthOptions, "secret"> &
  DeepPartial<Omit<AuthOptions, "secret" | "events">> & { events?: (Omit<EventsWebhook, "timeoutMs"> & Partial<EventsWebhook>) | null };

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export const defaultOptions: Omit<AuthOptions, "secret"> = {
  dataDir: "./data",
  publicUrl: "http://localhost:3000",
  issuer: "authsvc",
  audience: "authsvc",
  defaultCountry: "ID",
  smsCountries: [],
  smsNewNumbersPerHour: 500,
  smsNewNumbersPerRequesterPerHour: 10,
  tokenAlg: "HS256",
  accessTokenTtlSec: 15 * 60,
  sessionTtlSec: 30 * 24 * 3600,
  bearerTokenTtlSec: 24 * 3600,
  resetLinkTtlSec: 30 * 60,
  recentAuthSec: 10 * 60,
  code: {
    ttlSec: 5 * 60,
    maxAttempts: 5,
    maxAttemptsPerCode: 10,
    cooldownSec: 60,
    maxCooldownSec: 15 * 60,
    perHour: 5,
    perDay: 10,
    destinationPerHour: 20,
    destinationPerDay: 50,
    lockSec: 15 * 60,
  },
  password: { minLength: 8, maxLength: 128 },
  pin: { maxFailures: 10 },
  webauthn: { rpId: "", origins: [], rpName: "authsvc", unavailable: null },
  secondFactor: { ticketTtlSec: 5 * 60, triesPerTicket: 5, stepUpSec: 5 * 60, enrolmentTtlSec: 15 * 60, recoveryCodes: 10, issuerName: "authsvc" },
  limits: {
    loginFailuresPerIdentifier: { max: 10, windowSec: 15 * 60 },
    loginFailuresPerAccount: { max: 100, windowSec: 15 * 60 },
    loginPerIp: { max: 300, windowSec: 15 * 60 },
    codeSendPerIp: { max: 60, windowSec: 3600 },
    signupPerIp: { max: 30, windowSec: 3600 },
    codeCheckPerIp: { max: 50, windowSec: 15 * 60 },
    passkeyCeremoniesPerIp: { max: 300, windowSec: 15 * 60 },
    secondFactorFailures: { max: 10, windowSec: 15 * 60 },
  },
  oidc: { codeTtlSec: 60, idTokenTtlSec: 3600, refreshTokenTtlSec: 14 * 24 * 3600, interactionTtlSec: 15 * 60, sessionTtlSec: 14 * 24 * 3600 },
  // OWASP's first argon2id profile: m=19 MiB, t=2, p=1.
  argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  retention: { auditDays: 365, outboxDays: 30, graceSec: 24 * 3600 },
  rateLimitScale: 1,
  events: null,
};

/** One POST of an event: a receiver should answer at once and do its work later. */
const EVENTS_TIMEOUT_MS = 10_000;

function merge<T>(base: T, over: unknown): T {
  if (over === undefined || over === null || typeof base !== "object" || base === null || Array.isArray(over)) {
    return (over ?? base) as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[k] = merge((base as Record<string, unknown>)[k], v);
  }
  return out as T;
}

/** Options are normalised once, here; everything else reads the result. */
export function resolveOptions(input: AuthOptionsInput): AuthOptions {
  if (!input.secret || input.secret.length < 32) {
    throw new Error("AUTH_SECRET must be at least 32 characters");
  }
  const options = merge({ ...defaultOptions, secret: input.secret } as AuthOptions, input);
  options.publicUrl = options.publicUrl.replace(/\/+$/, "");
  if (options.smsCountries.length === 0) options.smsCountries = [options.defaultCountry];
  const site = new URL(options.publicUrl);
  options.webauthn = {
    ...options.webauthn,
    rpId: options.webauthn.rpId || site.hostname,
    origins: options.webauthn.origins.length ? options.webauthn.origins.map((o) => o.replace(/\/+$/, "")) : [site.origin],
  };
  const rpProblem = relyingPartyProblem(options.webauthn.rpId, options.webauthn.origins);
  if (rpProblem && (input.webauthn?.rpId || input.webauthn?.origins?.length)) throw new Error(rpProblem);
  options.webauthn.unavailable = rpProblem;
  const { auditDays, outboxDays, graceSec } = options.retention;
  for (const [name, value, min] of [["auditDays", auditDays, 0], ["outboxDays", outboxDays, 1], ["graceSec", graceSec, 0]] as const) {
    if (!(Number.isInteger(value) && value >= min)) throw new Error(`retention.${name} must be a whole number, ${min} or more`);
  }
  for (const [name, value] of Object.entries(options.oidc)) {
    if (!(Number.isInteger(value) && value > 0)) throw new Error(`oidc.${name} must be a whole number of seconds, 1 or more`);
  }
  if (!TOKEN_ALGS.includes(options.tokenAlg)) throw new Error(`tokenAlg must be one of ${TOKEN_ALGS.join(", ")}`);
  if (options.events) {
    const { url, secret, timeoutMs = EVENTS_TIMEOUT_MS } = options.events;
    const problem = eventsWebhookProblem(url, secret);
    if (problem) throw new Error(problem);
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new Error("events.timeoutMs must be a whole number of milliseconds, 1 or more");
    options.events = { url, secret, timeoutMs };
  }
  const scale = options.rateLimitScale;
  if (!(typeof scale === "number" && Number.isFinite(scale) && scale > 0)) {
    throw new Error("rateLimitScale must be a positive number");
  }
  if (scale !== 1) {
    // New objects: merge() shares nested ones with defaultOptions where the input had none.
    const scaled = (max: number) => Math.max(1, Math.round(max * scale));
    options.limits = Object.fromEntries(
      Object.entries(options.limits).map(([name, limit]) => [name, { ...limit, max: scaled(limit.max) }]),
    ) as AuthOptions["limits"];
    const { perHour, perDay, destinationPerHour, destinationPerDay } = options.code;
    options.code = {
      ...options.code,
      perHour: scaled(perHour),
      perDay: scaled(perDay),
      destinationPerHour: scaled(destinationPerHour),
      destinationPerDay: scaled(destinationPerDay),
    };
    options.smsNewNumbersPerRequesterPerHour = scaled(options.smsNewNumbersPerRequesterPerHour);
  }
  return options;
}

/**
 * Why a relying party would not work, or null: WebAuthn takes an RP id only on its own host
 * or a subdomain of it, and a ceremony only from a secure origin (https, or http on localhost).
 * The server's settings check (AUTH_RP_ID, AUTH_RP_ORIGINS) says the same at start.
 */
export function relyingPartyProblem(rpId: string, origins: readonly string[]): string | null {
  if (!/^[a-z0-9.-]+$/i.test(rpId) || rpId.startsWith(".") || rpId.endsWith(".") || /^[\d.]+$/.test(rpId)) {
    return `the passkey RP id "${rpId}" is not a domain name (an IP address cannot be one)`;
  }
  if (origins.length === 0) return "passkeys need at least one allowed origin";
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return `the passkey origin "${origin}" is not a URL`;
    }
    if (url.origin !== origin) return `the passkey origin "${origin}" must be an origin only (scheme, host and port), like ${url.origin}`;
    const local = url.hostname === "localhost" || url.hostname.endsWith(".localhost");
    if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) return `the passkey origin "${origin}" must be https (http only on localhost)`;
    const host = url.hostname.toLowerCase();
    const id = rpId.toLowerCase();
    if (host !== id && !host.endsWith(`.${id}`)) return `the passkey RP id "${rpId}" is neither the host of "${origin}" nor a parent domain of it`;
  }
  return null;
}

/** The fewest bytes an events webhook secret may have: the Standard Webhooks spec's smallest key. */
export const EVENTS_SECRET_MIN_BYTES = 24;

/**
 * Why an events webhook would not work, or null: an http(s) URL, and a secret in the Standard
 * Webhooks form (`whsec_` and the key in base64) of at least EVENTS_SECRET_MIN_BYTES. The
 * server's settings check (AUTH_EVENTS_WEBHOOK_URL, AUTH_EVENTS_WEBHOOK_SECRET) says the same at
 * start. Never names the secret itself.
 */
export function eventsWebhookProblem(url: string, secret: string): string | null {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return "the events webhook URL must be an http:// or https:// URL";
  const key = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : null;
  if (key === null || key.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(key)) {
    return "the events webhook secret must be whsec_ followed by the key in base64 (Standard Webhooks' form), like one made by: echo whsec_$(openssl rand -base64 32)";
  }
  const bytes = Buffer.from(key, "base64").length;
  if (bytes < EVENTS_SECRET_MIN_BYTES) return `the events webhook secret's key must be at least ${EVENTS_SECRET_MIN_BYTES} bytes (it has ${bytes})`;
  return null;
}
