import path from "node:path";
import { z } from "zod";
import type { DevOutboxMode } from "@authsvc/api";
import { defaultOptions, eventsWebhookProblem, loadOrCreateSecret, relyingPartyProblem, TOKEN_ALGS, type AuthOptionsInput, type TokenAlg } from "@authsvc/core";
import { databasePath, databaseUrlWithoutSecrets, isPostgresUrl } from "@authsvc/db";
import { compileTrustProxy, TRUST_PROXY_NAMES, type TrustProxy } from "@authsvc/api/trust-proxy";

/**
 * The one place process.env is read. Server-only: it pulls in @authsvc/core, so Next
 * pages must never import it (they receive what they need from the server).
 */

type CountryCode = NonNullable<AuthOptionsInput["defaultCountry"]>;

export interface Env {
  port: number;
  host: string;
  databaseUrl: string;
  /** SQLite (a file, the embedded default) or PostgreSQL (a server that many instances share). */
  databaseEngine: "sqlite" | "postgres";
  /** SQLite: absolute file path, or ":memory:". Undefined on PostgreSQL. */
  databasePath: string | undefined;
  /** PostgreSQL: connections of this process's pool (DATABASE_POOL_SIZE); undefined for the default. */
  databasePoolSize: number | undefined;
  /** Folder of the database file (SQLite); holds the generated secret and keys. */
  dataDir: string;
  authSecret: string;
  authSecretSource: "env" | "generated";
  /** off, local (the machine itself only: the default with no transport) or on (AUTH_DEV_OUTBOX=1). */
  devOutbox: DevOutboxMode;
  defaultCountry: CountryCode;
  /** Countries whose numbers may get SMS; empty: the default country only. */
  smsCountries: CountryCode[];
  /** SMS to numbers with no account yet, all together, per hour. */
  smsNewNumbersPerHour: number;
  /** TRUST_PROXY as written (for the start line); empty when no proxy is trusted. */
  trustedProxies: string[];
  /** Compiled once from `trustedProxies`: which peers may tell us the client's address. */
  trustProxy: TrustProxy;
  /** Without a trailing slash, so links can be built by appending a path. */
  publicUrl: string;
  /** Passkeys' relying party when set (AUTH_RP_ID, AUTH_RP_ORIGINS); else core derives it from publicUrl. */
  webauthn: { rpId?: string; origins?: string[] };
  firebaseServiceAccount: string | undefined;
  /** Email over SMTP; absent: email goes to the outbox only. */
  smtp: { url: string; from: string } | undefined;
  /** SMS through the operator's signed webhook; absent: SMS goes to the outbox only. */
  smsWebhook: { url: string; secret: string } | undefined;
  /** Signed event webhooks (Standard Webhooks); absent: no event is written. */
  eventsWebhook: { url: string; secret: string } | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  nodeEnv: "development" | "production" | "test" | undefined;
  /** Audit events older than this many days are deleted; 0 keeps them for ever. */
  auditRetentionDays: number;
  /** How access tokens are signed (AUTH_TOKEN_ALG). */
  tokenAlg: TokenAlg;
  /** Multiplies every rate limit's max (1 = as documented); for load tests such as `pnpm bench`. */
  rateLimitScale: number;
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

const flag = (name: string) =>
  z.enum(["1", "true", "0", "false"], { error: `${name} must be 1, true, 0 or false` })
    .transform((v) => v === "1" || v === "true");

const trustProxyHelp = `addresses or CIDRs of your proxies, or ${TRUST_PROXY_NAMES.join(", ")}, comma-separated; 0 for none`;

/**
 * TRUST_PROXY names the proxies in front (proxy-addr's syntax, as Express reads it). The old
 * `1`/`true` (believe any peer) is refused rather than guessed: mapped to `loopback` it would
 * silently put every client of a proxy on another host into the proxy's one rate-limit bucket.
 */
const trustProxySetting = z.string().transform((value, ctx) => {
  if (value === "0" || value === "false") return [];
  if (value === "1" || value === "true") {
    ctx.addIssue({
      code: "custom",
      message: `TRUST_PROXY no longer accepts ${value} (believe every peer): name your proxies, like TRUST_PROXY=loopback or TRUST_PROXY=10.0.0.0/8 (${trustProxyHelp})`,
    });
    return z.NEVER;
  }
  const entries = value.split(",").map((e) => e.trim().toLowerCase()).filter((e) => e !== "");
  for (const entry of entries) {
    try {
      compileTrustProxy([entry]);
    } catch {
      ctx.addIssue({ code: "custom", message: `TRUST_PROXY has an entry that is no address, CIDR or name: ${JSON.stringify(entry)} (${trustProxyHelp})` });
      return z.NEVER;
    }
  }
  return entries;
});

const databaseUrlHelp = "file:<path>, a file path or :memory: for SQLite, or postgres://user:password@host:5432/database for PostgreSQL";

/** What node-postgres reads (see createPgDatabase); anything else is most likely a typo. */
const sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full", "no-verify"];

/**
 * SQLite or PostgreSQL. Any other scheme is refused: a mysql:// URL silently becoming a
 * file named "mysql:" would be worse.
 */
const databaseUrlSetting = z.string().superRefine((value, ctx) => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return;
  if (!isPostgresUrl(value)) {
    ctx.addIssue({ code: "custom", message: `DATABASE_URL must be ${databaseUrlHelp}` });
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `DATABASE_URL is not a valid URL (${databaseUrlHelp}; a password with @, /, :, # or % must be percent-encoded)`,
    });
    return;
  }
  const sslmode = url.searchParams.get("sslmode");
  if (sslmode !== null && !sslModes.includes(sslmode)) {
    ctx.addIssue({ code: "custom", message: `DATABASE_URL has sslmode=${sslmode}; use one of ${sslModes.join(", ")} (verify-full checks the server's certificate and name)` });
  }
});

const poolSizeError = "DATABASE_POOL_SIZE must be a whole number of connections, 1 or more, like 10";

const auditRetentionError = "AUTH_AUDIT_RETENTION_DAYS must be a whole number of days (0 keeps audit events for ever)";

const portError = "PORT must be an integer between 1 and 65535";
const rateLimitScaleError = "AUTH_RATE_LIMIT_SCALE must be a positive number, like 1000 (it multiplies every rate limit; 1 is the default)";

const schema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, { error: portError })
    .transform(Number)
    .pipe(z.number().min(1, { error: portError }).max(65535, { error: portError }))
    .default(3000),
  // Its default depends on the dev outbox's mode (see settle).
  HOST: z.string().regex(/^\S+$/, { error: "HOST must be a host name or address without spaces" }).optional(),
  DATABASE_URL: databaseUrlSetting.default("file:./data/auth.db"),
  DATABASE_POOL_SIZE: z
    .string()
    .regex(/^\d{1,5}$/, { error: poolSizeError })
    .transform(Number)
    .pipe(z.number().min(1, { error: poolSizeError }))
    .optional(),
  AUTH_SECRET: z.string().min(32, { error: "AUTH_SECRET must be at least 32 characters" }).optional(),
  AUTH_DEV_OUTBOX: flag("AUTH_DEV_OUTBOX").optional(),
  AUTH_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: "AUTH_DEFAULT_COUNTRY must be a two-letter country code in capitals, like ID" })
    .default("ID"),
  AUTH_SMS_COUNTRIES: z
    .string()
    .regex(/^[A-Z]{2}(\s*,\s*[A-Z]{2})*$/, {
      error: "AUTH_SMS_COUNTRIES must be two-letter country codes in capitals separated by commas, like ID,MY",
    })
    .transform((v) => v.split(",").map((c) => c.trim()))
    .optional(),
  AUTH_SMS_NEW_NUMBERS_PER_HOUR: z
    .string()
    .regex(/^\d{1,9}$/, { error: "AUTH_SMS_NEW_NUMBERS_PER_HOUR must be a whole number, like 500" })
    .transform(Number)
    .optional(),
  TRUST_PROXY: trustProxySetting.default([]),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http:// or https:// URL" }).optional(),
  AUTH_RP_ID: z.string().trim().min(1).optional(),
  AUTH_RP_ORIGINS: z
    .string()
    .transform((v) => v.split(",").map((o) => o.trim()).filter(Boolean))
    .optional(),
  FIREBASE_SERVICE_ACCOUNT: z.string().optional(),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL, like smtp://user:pass@mail.example.com:587" })
    .optional(),
  MAIL_FROM: z.string().min(3, { error: "MAIL_FROM must be a sender address, like \"Acme\" <no-reply@acme.example>" }).optional(),
  SMS_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "SMS_WEBHOOK_URL must be an http:// or https:// URL" }).optional(),
  SMS_WEBHOOK_SECRET: z.string().min(16, { error: "SMS_WEBHOOK_SECRET must be at least 16 characters" }).optional(),
  AUTH_EVENTS_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: "AUTH_EVENTS_WEBHOOK_URL must be an http:// or https:// URL" })
    .optional(),
  // Its form (whsec_ and base64, long enough) is core's rule: see eventsWebhook below.
  AUTH_EVENTS_WEBHOOK_SECRET: z.string().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], { error: "LOG_LEVEL must be debug, info, warn or error" }).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"], {
    error: "NODE_ENV must be development, production or test",
  }).optional(),
  AUTH_RATE_LIMIT_SCALE: z
    .string()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, { error: rateLimitScaleError })
    .transform(Number)
    .pipe(z.number().positive({ error: rateLimitScaleError }).max(1e9, { error: rateLimitScaleError }))
    .default(1),
  AUTH_AUDIT_RETENTION_DAYS: z
    .string()
    .regex(/^\d{1,6}$/, { error: auditRetentionError })
    .transform(Number)
    .default(365),
  AUTH_TOKEN_ALG: z.enum(TOKEN_ALGS, { error: `AUTH_TOKEN_ALG must be one of ${TOKEN_ALGS.join(", ")}` }).default("HS256"),
});

type Parsed = z.infer<typeof schema>;

/** Echoing a rejected secret into logs would leak it; say how long it was instead. */
function shown(name: string, value: string | undefined): string {
  if (value === undefined) return "";
  if (name === "AUTH_SECRET" || name === "SMS_WEBHOOK_SECRET" || name === "AUTH_EVENTS_WEBHOOK_SECRET") return ` (got ${value.length} characters)`;
  if (name === "SMTP_URL") return ""; // may carry the mail password
  if (name === "DATABASE_URL" && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    // The password masked, in the userinfo and the query; a URL that does not parse is not
    // shown at all (where its password ends cannot be told): the message says what is wrong.
    const safe = databaseUrlWithoutSecrets(value);
    return safe === undefined ? "" : ` (got ${JSON.stringify(safe)})`;
  }
  return ` (got ${JSON.stringify(value)})`;
}

/**
 * Unset: `local` while nothing is really delivered (codes are for the developer at this
 * machine), `off` with a real transport. Only an explicit AUTH_DEV_OUTBOX=1 shows codes to
 * other machines.
 */
export function devOutboxMode(explicit: boolean | undefined, source: Record<string, string | undefined>): DevOutboxMode {
  if (explicit !== undefined) return explicit ? "on" : "off";
  const set = (k: string) => Boolean(source[k]?.trim());
  return set("SMTP_URL") || set("SMS_WEBHOOK_URL") ? "off" : "local";
}

/**
 * Rules of the database's engine. On PostgreSQL many instances share one database, so they
 * must share the signing secret too: one generated per instance would make each refuse the
 * others' tokens.
 */
function engineProblems(v: Parsed): string[] {
  const problems: string[] = [];
  if (isPostgresUrl(v.DATABASE_URL)) {
    if (v.AUTH_SECRET === undefined) {
      problems.push(
        "AUTH_SECRET must be set when DATABASE_URL is PostgreSQL: every instance on the database must sign with the same secret, and a generated one would differ per instance",
      );
    }
  } else if (v.DATABASE_POOL_SIZE !== undefined) {
    problems.push("DATABASE_POOL_SIZE is for PostgreSQL only: DATABASE_URL names a SQLite database, which has one connection");
  }
  return problems;
}

/**
 * A passkey relying party set by hand must work (core's rule, relyingPartyProblem); the
 * one derived from PUBLIC_URL may not, and then passkeys are simply off (core says so).
 */
function relyingParty(v: Parsed): string[] {
  if (!v.AUTH_RP_ID && !v.AUTH_RP_ORIGINS?.length) return [];
  const site = new URL(v.PUBLIC_URL ?? `http://localhost:${v.PORT}`);
  const problem = relyingPartyProblem(v.AUTH_RP_ID ?? site.hostname, v.AUTH_RP_ORIGINS?.length ? v.AUTH_RP_ORIGINS : [site.origin]);
  return problem ? [`AUTH_RP_ID / AUTH_RP_ORIGINS: ${problem}`] : [];
}

/** Half a transport would fail on the first message; refuse it at start, naming what is missing. */
function halfConfigured(v: Parsed): string[] {
  const problems: string[] = [];
  if (v.SMTP_URL && !v.MAIL_FROM) problems.push("MAIL_FROM must be set when SMTP_URL is (the sender of every email)");
  if (v.MAIL_FROM && !v.SMTP_URL) problems.push("SMTP_URL must be set when MAIL_FROM is (the server that sends the email)");
  if (v.SMS_WEBHOOK_URL && !v.SMS_WEBHOOK_SECRET) problems.push("SMS_WEBHOOK_SECRET must be set when SMS_WEBHOOK_URL is (it signs every request)");
  if (v.SMS_WEBHOOK_SECRET && !v.SMS_WEBHOOK_URL) problems.push("SMS_WEBHOOK_URL must be set when SMS_WEBHOOK_SECRET is (where to send SMS)");
  if (v.AUTH_EVENTS_WEBHOOK_URL && !v.AUTH_EVENTS_WEBHOOK_SECRET) {
    problems.push("AUTH_EVENTS_WEBHOOK_SECRET must be set when AUTH_EVENTS_WEBHOOK_URL is (it signs every event)");
  }
  if (v.AUTH_EVENTS_WEBHOOK_SECRET && !v.AUTH_EVENTS_WEBHOOK_URL) {
    problems.push("AUTH_EVENTS_WEBHOOK_URL must be set when AUTH_EVENTS_WEBHOOK_SECRET is (where to send events)");
  }
  return problems;
}

/** Both events webhook settings set: the secret in the form core signs with (core's rule, eventsWebhookProblem). */
function eventsWebhook(v: Parsed): string[] {
  if (!v.AUTH_EVENTS_WEBHOOK_URL || !v.AUTH_EVENTS_WEBHOOK_SECRET) return [];
  const problem = eventsWebhookProblem(v.AUTH_EVENTS_WEBHOOK_URL, v.AUTH_EVENTS_WEBHOOK_SECRET);
  return problem ? [`AUTH_EVENTS_WEBHOOK_URL / AUTH_EVENTS_WEBHOOK_SECRET: ${problem}`] : [];
}

/**
 * Validates the environment and returns typed settings, or throws EnvError listing
 * every problem. Empty values count as unset (`PORT=` in a compose file means "default").
 * When AUTH_SECRET is unset, a secret is generated once and kept in the data folder (SQLite
 * only: on PostgreSQL it must be set).
 */
export function loadEnv(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): Env {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? "");
      if (seen.has(name)) continue; // one line per variable
      seen.add(name);
      problems.push(`${issue.message}${shown(name, input[name])}`);
    }
    throw new EnvError(problems);
  }
  const problems = [...engineProblems(result.data), ...halfConfigured(result.data), ...relyingParty(result.data), ...eventsWebhook(result.data)];
  if (problems.length) throw new EnvError(problems);
  return settle(result.data, source, cwd);
}

function generatedSecret(dataDir: string): string {
  try {
    return loadOrCreateSecret(dataDir);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EnvError([`AUTH_SECRET is unset and a generated secret could not be kept in ${dataDir}: ${reason}`]);
  }
}

function settle(v: Parsed, source: Record<string, string | undefined>, cwd: string): Env {
  const postgres = isPostgresUrl(v.DATABASE_URL);
  const file = postgres ? undefined : databasePath(v.DATABASE_URL, cwd);
  const dataDir = file === undefined || file === ":memory:" ? path.resolve(cwd, "data") : path.dirname(file);
  const authSecret = v.AUTH_SECRET ?? generatedSecret(dataDir);
  const devOutbox = devOutboxMode(v.AUTH_DEV_OUTBOX, source);
  return {
    port: v.PORT,
    // With the outbox local, nothing but this machine needs to reach a server that shows codes.
    host: v.HOST ?? (devOutbox === "local" ? "127.0.0.1" : "0.0.0.0"),
    databaseUrl: v.DATABASE_URL,
    databaseEngine: postgres ? "postgres" : "sqlite",
    databasePath: file,
    databasePoolSize: v.DATABASE_POOL_SIZE,
    dataDir,
    authSecret,
    authSecretSource: v.AUTH_SECRET === undefined ? "generated" : "env",
    devOutbox,
    defaultCountry: v.AUTH_DEFAULT_COUNTRY as CountryCode,
    smsCountries: (v.AUTH_SMS_COUNTRIES ?? []) as CountryCode[],
    smsNewNumbersPerHour: v.AUTH_SMS_NEW_NUMBERS_PER_HOUR ?? defaultOptions.smsNewNumbersPerHour,
    trustedProxies: v.TRUST_PROXY,
    trustProxy: compileTrustProxy(v.TRUST_PROXY),
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ""),
    webauthn: { ...(v.AUTH_RP_ID ? { rpId: v.AUTH_RP_ID } : {}), ...(v.AUTH_RP_ORIGINS?.length ? { origins: v.AUTH_RP_ORIGINS } : {}) },
    firebaseServiceAccount: v.FIREBASE_SERVICE_ACCOUNT,
    smtp: v.SMTP_URL && v.MAIL_FROM ? { url: v.SMTP_URL, from: v.MAIL_FROM } : undefined,
    smsWebhook: v.SMS_WEBHOOK_URL && v.SMS_WEBHOOK_SECRET ? { url: v.SMS_WEBHOOK_URL, secret: v.SMS_WEBHOOK_SECRET } : undefined,
    eventsWebhook:
      v.AUTH_EVENTS_WEBHOOK_URL && v.AUTH_EVENTS_WEBHOOK_SECRET ? { url: v.AUTH_EVENTS_WEBHOOK_URL, secret: v.AUTH_EVENTS_WEBHOOK_SECRET } : undefined,
    logLevel: v.LOG_LEVEL,
    nodeEnv: v.NODE_ENV,
    rateLimitScale: v.AUTH_RATE_LIMIT_SCALE,
    auditRetentionDays: v.AUTH_AUDIT_RETENTION_DAYS,
    tokenAlg: v.AUTH_TOKEN_ALG,
  };
}
