import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";

const SECRET = "s".repeat(32);
/** Standard Webhooks' form: whsec_ and a 32-byte key in base64. */
const EVENTS_SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), "authsvc-env-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function problemsFor(source: Record<string, string>): string[] {
  try {
    loadEnv(source, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as EnvError).problems;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
}

describe("loadEnv", () => {
  it("fills in the documented defaults", () => {
    const env = loadEnv({}, cwd);
    expect(env).toMatchObject({
      port: 3000,
      // No transport: the dev outbox is on for this machine, so the server listens only on it.
      host: "127.0.0.1",
      databaseUrl: "file:./data/auth.db",
      databasePath: path.join(cwd, "data", "auth.db"),
      dataDir: path.join(cwd, "data"),
      authSecretSource: "generated",
      devOutbox: "local",
      defaultCountry: "ID",
      trustedProxies: [],
      publicUrl: "http://localhost:3000",
      webauthn: {},
      firebaseServiceAccount: undefined,
      nodeEnv: undefined,
      rateLimitScale: 1,
      smsCountries: [],
      smsNewNumbersPerHour: 500,
      auditRetentionDays: 365,
    });
    expect(env.trustProxy("127.0.0.1", 0)).toBe(false);
    expect(env.authSecret.length).toBeGreaterThanOrEqual(32);
  });

  it("reads every variable", () => {
    const env = loadEnv(
      {
        PORT: "8080",
        HOST: "127.0.0.1",
        DATABASE_URL: "file:/var/lib/authsvc/auth.db",
        AUTH_SECRET: SECRET,
        AUTH_DEV_OUTBOX: "0",
        AUTH_DEFAULT_COUNTRY: "SG",
        TRUST_PROXY: "10.0.0.0/8, loopback",
        PUBLIC_URL: "https://auth.example.com/",
        FIREBASE_SERVICE_ACCOUNT: "/etc/firebase.json",
        SMTP_URL: "smtp://mailer:pw@mail.example.com:587",
        MAIL_FROM: "Acme <no-reply@acme.example>",
        SMS_WEBHOOK_URL: "https://sms.example.com/send",
        SMS_WEBHOOK_SECRET: "0123456789abcdef0123",
        AUTH_EVENTS_WEBHOOK_URL: "https://hooks.example.com/authsvc",
        AUTH_EVENTS_WEBHOOK_SECRET: EVENTS_SECRET,
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        AUTH_RATE_LIMIT_SCALE: "1000",
        AUTH_SMS_COUNTRIES: "ID, MY",
        AUTH_SMS_NEW_NUMBERS_PER_HOUR: "50",
        AUTH_AUDIT_RETENTION_DAYS: "90",
        AUTH_TOKEN_ALG: "EdDSA",
      },
      cwd,
    );
    expect(env).toEqual({
      port: 8080,
      host: "127.0.0.1",
      databaseUrl: "file:/var/lib/authsvc/auth.db",
      databaseEngine: "sqlite",
      databasePath: "/var/lib/authsvc/auth.db",
      databasePoolSize: undefined,
      dataDir: "/var/lib/authsvc",
      authSecret: SECRET,
      authSecretSource: "env",
      devOutbox: "off",
      defaultCountry: "SG",
      trustedProxies: ["10.0.0.0/8", "loopback"],
      trustProxy: expect.any(Function),
      publicUrl: "https://auth.example.com",
      webauthn: {},
      firebaseServiceAccount: "/etc/firebase.json",
      smtp: { url: "smtp://mailer:pw@mail.example.com:587", from: "Acme <no-reply@acme.example>" },
      smsWebhook: { url: "https://sms.example.com/send", secret: "0123456789abcdef0123" },
      eventsWebhook: { url: "https://hooks.example.com/authsvc", secret: EVENTS_SECRET },
      logLevel: "warn",
      nodeEnv: "production",
      rateLimitScale: 1000,
      smsCountries: ["ID", "MY"],
      smsNewNumbersPerHour: 50,
      auditRetentionDays: 90,
      tokenAlg: "EdDSA",
    });
  });

  it("reads the passkey relying party, and refuses one that cannot work, naming the value", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET }, cwd).webauthn).toEqual({});
    expect(loadEnv({ AUTH_SECRET: SECRET, PUBLIC_URL: "https://login.bank.example", AUTH_RP_ID: "bank.example" }, cwd).webauthn).toEqual({ rpId: "bank.example" });
    expect(
      loadEnv({ AUTH_SECRET: SECRET, AUTH_RP_ID: "bank.example", AUTH_RP_ORIGINS: "https://login.bank.example, https://app.bank.example" }, cwd).webauthn,
    ).toEqual({ rpId: "bank.example", origins: ["https://login.bank.example", "https://app.bank.example"] });
    expect(problemsFor({ AUTH_SECRET: SECRET, PUBLIC_URL: "https://login.bank.example", AUTH_RP_ID: "other.example" }).join("\n")).toMatch(/"other\.example"/);
    expect(problemsFor({ AUTH_SECRET: SECRET, AUTH_RP_ID: "bank.example", AUTH_RP_ORIGINS: "http://login.bank.example" }).join("\n")).toMatch(/must be https/);
  });

  it("reads AUTH_TOKEN_ALG, HS256 when unset", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET }, cwd).tokenAlg).toBe("HS256");
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_TOKEN_ALG: "ES256" }, cwd).tokenAlg).toBe("ES256");
  });

  it("reads the events webhook, both halves or neither, and refuses a secret not in Standard Webhooks' form without echoing it", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET }, cwd).eventsWebhook).toBeUndefined();
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_URL: "http://127.0.0.1:9000/events", AUTH_EVENTS_WEBHOOK_SECRET: EVENTS_SECRET }, cwd).eventsWebhook).toEqual({
      url: "http://127.0.0.1:9000/events",
      secret: EVENTS_SECRET,
    });
    expect(problemsFor({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_URL: "https://hooks.example.com/e" })).toEqual([
      "AUTH_EVENTS_WEBHOOK_SECRET must be set when AUTH_EVENTS_WEBHOOK_URL is (it signs every event)",
    ]);
    expect(problemsFor({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_SECRET: EVENTS_SECRET })).toEqual([
      "AUTH_EVENTS_WEBHOOK_URL must be set when AUTH_EVENTS_WEBHOOK_SECRET is (where to send events)",
    ]);
    expect(problemsFor({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_URL: "ftp://hooks.example.com/e", AUTH_EVENTS_WEBHOOK_SECRET: EVENTS_SECRET })).toEqual([
      'AUTH_EVENTS_WEBHOOK_URL must be an http:// or https:// URL (got "ftp://hooks.example.com/e")',
    ]);
    const short = `whsec_${Buffer.from("sixteen-byte-key").toString("base64")}`;
    const raw = "a-plain-secret-that-is-long-enough-0123456789";
    for (const secret of [short, raw]) {
      const problems = problemsFor({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_URL: "https://hooks.example.com/e", AUTH_EVENTS_WEBHOOK_SECRET: secret });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^AUTH_EVENTS_WEBHOOK_URL \/ AUTH_EVENTS_WEBHOOK_SECRET: /);
      expect(problems[0]).not.toContain(secret.replace("whsec_", ""));
    }
    expect(problemsFor({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_URL: "https://hooks.example.com/e", AUTH_EVENTS_WEBHOOK_SECRET: short })[0]).toMatch(/at least 24 bytes \(it has 16\)/);
    // Events are not a delivery of codes: the dev outbox stays as it was.
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_EVENTS_WEBHOOK_URL: "https://hooks.example.com/e", AUTH_EVENTS_WEBHOOK_SECRET: EVENTS_SECRET }, cwd).devOutbox).toBe("local");
  });

  it("reads AUTH_AUDIT_RETENTION_DAYS as whole days, 0 meaning for ever", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET }, cwd).auditRetentionDays).toBe(365);
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_AUDIT_RETENTION_DAYS: "0" }, cwd).auditRetentionDays).toBe(0);
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_AUDIT_RETENTION_DAYS: "30" }, cwd).auditRetentionDays).toBe(30);
  });

  it("reads AUTH_RATE_LIMIT_SCALE as a positive number", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_RATE_LIMIT_SCALE: "0.5" }, cwd).rateLimitScale).toBe(0.5);
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_RATE_LIMIT_SCALE: " 250 " }, cwd).rateLimitScale).toBe(250);
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_RATE_LIMIT_SCALE: "" }, cwd).rateLimitScale).toBe(1);
  });

  it("turns the dev outbox off by default once a real transport is configured", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET }, cwd).devOutbox).toBe("local");
    expect(loadEnv({ AUTH_SECRET: SECRET, SMTP_URL: "smtp://m.example.com", MAIL_FROM: "a@b.example" }, cwd).devOutbox).toBe("off");
    expect(loadEnv({ AUTH_SECRET: SECRET, SMS_WEBHOOK_URL: "http://127.0.0.1:9/x", SMS_WEBHOOK_SECRET: "0123456789abcdef" }, cwd).devOutbox).toBe("off");
    expect(loadEnv({ AUTH_SECRET: SECRET, SMTP_URL: "smtp://m.example.com", MAIL_FROM: "a@b.example", AUTH_DEV_OUTBOX: "1" }, cwd).devOutbox).toBe("on");
  });

  it("resolves the dev outbox to one of three modes, and HOST's default from it (issue 10, hole 1)", () => {
    const smtp = { SMTP_URL: "smtp://m.example.com", MAIL_FROM: "a@b.example" };
    const cases: [Record<string, string>, "off" | "local" | "on", string][] = [
      // Unset, no transport: codes are shown to this machine only, and the server listens only on it.
      [{}, "local", "127.0.0.1"],
      [{ AUTH_DEV_OUTBOX: "" }, "local", "127.0.0.1"],
      // Explicitly on: reachable as the server is, so the usual default address.
      [{ AUTH_DEV_OUTBOX: "1" }, "on", "0.0.0.0"],
      [{ AUTH_DEV_OUTBOX: "true" }, "on", "0.0.0.0"],
      [{ AUTH_DEV_OUTBOX: "0" }, "off", "0.0.0.0"],
      [{ AUTH_DEV_OUTBOX: "false" }, "off", "0.0.0.0"],
      [smtp, "off", "0.0.0.0"],
      [{ ...smtp, AUTH_DEV_OUTBOX: "0" }, "off", "0.0.0.0"],
      [{ ...smtp, AUTH_DEV_OUTBOX: "1" }, "on", "0.0.0.0"],
    ];
    for (const [vars, mode, host] of cases) {
      const env = loadEnv({ AUTH_SECRET: SECRET, ...vars }, cwd);
      expect(env.devOutbox, JSON.stringify(vars)).toBe(mode);
      expect(env.host, JSON.stringify(vars)).toBe(host);
    }
    // An explicit HOST wins in every mode: the outbox still answers only the machine itself in `local`.
    expect(loadEnv({ AUTH_SECRET: SECRET, HOST: "0.0.0.0" }, cwd)).toMatchObject({ devOutbox: "local", host: "0.0.0.0" });
    expect(loadEnv({ AUTH_SECRET: SECRET, ...smtp, HOST: "::1" }, cwd)).toMatchObject({ devOutbox: "off", host: "::1" });
    expect(problemsFor({ AUTH_DEV_OUTBOX: "yes" })).toEqual(['AUTH_DEV_OUTBOX must be 1, true, 0 or false (got "yes")']);
  });

  it.each([
    [{ SMTP_URL: "smtp://m.example.com" }, "MAIL_FROM"],
    [{ MAIL_FROM: "a@b.example" }, "SMTP_URL"],
    [{ SMS_WEBHOOK_URL: "https://sms.example.com" }, "SMS_WEBHOOK_SECRET"],
    [{ SMS_WEBHOOK_SECRET: "0123456789abcdef" }, "SMS_WEBHOOK_URL"],
  ])("refuses half a transport (%o), naming %s", (vars, missing) => {
    const err = (() => {
      try {
        loadEnv({ AUTH_SECRET: SECRET, ...vars }, cwd);
      } catch (e) {
        return e as EnvError;
      }
      throw new Error("accepted half a configuration");
    })();
    expect(err).toBeInstanceOf(EnvError);
    expect(err.problems.join("\n")).toMatch(new RegExp(`^${missing} must be set`, "m"));
  });

  it("never echoes the mail password or the webhook secret in an error", () => {
    try {
      loadEnv({ AUTH_SECRET: SECRET, SMTP_URL: "ftp://user:hunter2@x", MAIL_FROM: "a@b.example", SMS_WEBHOOK_URL: "https://s.example", SMS_WEBHOOK_SECRET: "short-s3cr3t" }, cwd);
      throw new Error("accepted");
    } catch (e) {
      const text = (e as EnvError).problems.join("\n");
      expect(text).toMatch(/SMTP_URL/);
      expect(text).toMatch(/SMS_WEBHOOK_SECRET/);
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("short-s3cr3t");
    }
  });

  it("derives PUBLIC_URL from PORT and treats empty values as unset", () => {
    const env = loadEnv({ PORT: "4000", HOST: "", AUTH_SECRET: SECRET }, cwd);
    expect(env.publicUrl).toBe("http://localhost:4000");
    expect(env.host).toBe("127.0.0.1");
  });

  it("accepts 1/0 and true/false for flags", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_DEV_OUTBOX: "0" }, cwd).devOutbox).toBe("off");
    expect(loadEnv({ AUTH_SECRET: SECRET, AUTH_DEV_OUTBOX: "1" }, cwd).devOutbox).toBe("on");
  });

  describe("TRUST_PROXY", () => {
    const trustFor = (value: string | undefined) => loadEnv({ AUTH_SECRET: SECRET, ...(value === undefined ? {} : { TRUST_PROXY: value }) }, cwd);

    it("unset, 0 or false trusts no peer at all, not even loopback", () => {
      for (const value of [undefined, "", "0", "false"]) {
        const env = trustFor(value);
        expect(env.trustedProxies).toEqual([]);
        expect(env.trustProxy("127.0.0.1", 0)).toBe(false);
        expect(env.trustProxy("10.0.0.1", 0)).toBe(false);
      }
    });

    it("reads addresses, CIDRs and proxy-addr's names, comma-separated", () => {
      const env = trustFor(" 192.0.2.10 , 10.0.0.0/8,fd00::/8, LoopBack ,");
      expect(env.trustedProxies).toEqual(["192.0.2.10", "10.0.0.0/8", "fd00::/8", "loopback"]);
      expect(env.trustProxy("192.0.2.10", 0)).toBe(true);
      expect(env.trustProxy("192.0.2.11", 0)).toBe(false);
      expect(env.trustProxy("10.200.3.4", 0)).toBe(true);
      expect(env.trustProxy("fd00::1", 0)).toBe(true);
      expect(env.trustProxy("::1", 0)).toBe(true);
      expect(env.trustProxy("::ffff:127.0.0.1", 0)).toBe(true);
      expect(env.trustProxy("203.0.113.9", 0)).toBe(false);
    });

    it("uniquelocal and linklocal are the private ranges", () => {
      const env = trustFor("uniquelocal,linklocal");
      for (const addr of ["10.1.2.3", "172.16.0.1", "192.168.1.1", "fc00::1", "169.254.1.1", "fe80::1"]) expect(env.trustProxy(addr, 0)).toBe(true);
      for (const addr of ["127.0.0.1", "8.8.8.8", "2001:db8::1"]) expect(env.trustProxy(addr, 0)).toBe(false);
    });
  });

  it("takes a PostgreSQL URL as it is, with the data folder next to the working directory", () => {
    const env = loadEnv({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/auth", AUTH_SECRET: SECRET }, cwd);
    expect(env.databaseUrl).toBe("postgres://postgres@127.0.0.1:5432/auth");
    expect(env.dataDir).toBe(path.join(cwd, "data"));
  });

  it("keeps the data folder next to the working directory for an in-memory database", () => {
    const env = loadEnv({ DATABASE_URL: ":memory:", AUTH_SECRET: SECRET }, cwd);
    expect(env.databasePath).toBe(":memory:");
    expect(env.dataDir).toBe(path.join(cwd, "data"));
  });

  it.each([
    ["PORT", "abc", 'PORT must be an integer between 1 and 65535 (got "abc")'],
    ["PORT", "0", "PORT"],
    ["PORT", "65536", "PORT"],
    ["PORT", "80.5", "PORT"],
    ["HOST", "local host", "HOST"],
    ["DATABASE_URL", "mysql://db/auth", "DATABASE_URL must be file:<path>, a file path or :memory: for SQLite, or postgres://"],
    ["DATABASE_URL", "postgres://db/auth?sslmode=requried", "DATABASE_URL has sslmode=requried; use one of disable, prefer, require, verify-ca, verify-full, no-verify"],
    ["DATABASE_URL", "postgres://db:port/auth", "DATABASE_URL is not a valid URL"],
    ["DATABASE_POOL_SIZE", "0", "DATABASE_POOL_SIZE must be a whole number of connections, 1 or more"],
    ["DATABASE_POOL_SIZE", "-5", "DATABASE_POOL_SIZE"],
    ["DATABASE_POOL_SIZE", "2.5", "DATABASE_POOL_SIZE"],
    ["DATABASE_POOL_SIZE", "many", "DATABASE_POOL_SIZE"],
    ["AUTH_SECRET", "too-short", "AUTH_SECRET must be at least 32 characters (got 9 characters)"],
    ["AUTH_DEV_OUTBOX", "yes", "AUTH_DEV_OUTBOX"],
    ["AUTH_DEFAULT_COUNTRY", "id", "AUTH_DEFAULT_COUNTRY"],
    ["AUTH_DEFAULT_COUNTRY", "IDN", "AUTH_DEFAULT_COUNTRY"],
    ["AUTH_SMS_COUNTRIES", "id,my", "AUTH_SMS_COUNTRIES"],
    ["AUTH_SMS_COUNTRIES", "ID;MY", "AUTH_SMS_COUNTRIES"],
    ["AUTH_SMS_NEW_NUMBERS_PER_HOUR", "-1", "AUTH_SMS_NEW_NUMBERS_PER_HOUR"],
    ["AUTH_SMS_NEW_NUMBERS_PER_HOUR", "lots", "AUTH_SMS_NEW_NUMBERS_PER_HOUR"],
    ["TRUST_PROXY", "maybe", 'TRUST_PROXY has an entry that is no address, CIDR or name: "maybe"'],
    ["TRUST_PROXY", "10.0.0.1, proxy.internal", '"proxy.internal"'],
    ["TRUST_PROXY", "10.0.0.0/33", '"10.0.0.0/33"'],
    ["TRUST_PROXY", "1", "TRUST_PROXY no longer accepts 1 (believe every peer): name your proxies"],
    ["TRUST_PROXY", "true", "TRUST_PROXY no longer accepts true"],
    ["AUTH_TOKEN_ALG", "RS256", "AUTH_TOKEN_ALG must be one of HS256, ES256, EdDSA"],
    ["AUTH_TOKEN_ALG", "none", "AUTH_TOKEN_ALG must be one of"],
    ["AUTH_AUDIT_RETENTION_DAYS", "-1", "AUTH_AUDIT_RETENTION_DAYS must be a whole number of days"],
    ["AUTH_AUDIT_RETENTION_DAYS", "1.5", "AUTH_AUDIT_RETENTION_DAYS"],
    ["AUTH_AUDIT_RETENTION_DAYS", "forever", "AUTH_AUDIT_RETENTION_DAYS"],
    ["PUBLIC_URL", "auth.example.com", "PUBLIC_URL"],
    ["PUBLIC_URL", "ftp://auth.example.com", "PUBLIC_URL"],
    ["NODE_ENV", "staging", "NODE_ENV"],
    ["AUTH_RATE_LIMIT_SCALE", "0", "AUTH_RATE_LIMIT_SCALE must be a positive number"],
    ["AUTH_RATE_LIMIT_SCALE", "-2", "AUTH_RATE_LIMIT_SCALE"],
    ["AUTH_RATE_LIMIT_SCALE", "lots", "AUTH_RATE_LIMIT_SCALE"],
    ["AUTH_RATE_LIMIT_SCALE", "1e400", "AUTH_RATE_LIMIT_SCALE"],
  ])("rejects %s=%s with a message naming it", (name, value, message) => {
    // The pool size is checked on the engine it is for.
    const database: Record<string, string> = name === "DATABASE_POOL_SIZE" ? { DATABASE_URL: "postgres://db/auth" } : {};
    const problems = problemsFor({ AUTH_SECRET: SECRET, ...database, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
    expect(problems[0]?.startsWith(name)).toBe(true);
  });

  describe("on PostgreSQL", () => {
    it("reads postgres:// and postgresql:// URLs, TLS settings included, and the pool size", () => {
      const env = loadEnv({ DATABASE_URL: "postgresql://auth:pw@db.internal:5432/auth?sslmode=verify-full", DATABASE_POOL_SIZE: "25", AUTH_SECRET: SECRET }, cwd);
      expect(env).toMatchObject({
        databaseUrl: "postgresql://auth:pw@db.internal:5432/auth?sslmode=verify-full",
        databaseEngine: "postgres",
        databasePath: undefined,
        databasePoolSize: 25,
        authSecretSource: "env",
      });
      expect(loadEnv({ DATABASE_URL: "postgres://db/auth", AUTH_SECRET: SECRET }, cwd)).toMatchObject({ databaseEngine: "postgres", databasePoolSize: undefined });
      // Nothing is written next to the working directory: the database is elsewhere.
      expect(existsSync(path.join(cwd, "data"))).toBe(false);
    });

    it("refuses to start without AUTH_SECRET, naming it, and generates no secret of its own", () => {
      const [problem, ...rest] = problemsFor({ DATABASE_URL: "postgres://db/auth" });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^AUTH_SECRET must be set when DATABASE_URL is PostgreSQL/);
      expect(existsSync(path.join(cwd, "data"))).toBe(false);
    });

    it("refuses DATABASE_POOL_SIZE on SQLite, where it would mean nothing", () => {
      expect(problemsFor({ DATABASE_POOL_SIZE: "10", AUTH_SECRET: SECRET })).toEqual([
        expect.stringMatching(/^DATABASE_POOL_SIZE is for PostgreSQL only/),
      ]);
    });

    it("never echoes the database password in an error", () => {
      const [problem] = problemsFor({ DATABASE_URL: "postgres://auth:s3cr3t-pw@db/auth?sslmode=maybe", AUTH_SECRET: SECRET });
      expect(problem).toContain("sslmode=maybe");
      expect(problem).toContain("auth:***@db");
      expect(problem).not.toContain("s3cr3t-pw");
    });
  });

  it("never echoes a rejected secret", () => {
    const [problem] = problemsFor({ AUTH_SECRET: "hunter2-hunter2" });
    expect(problem).not.toContain("hunter2");
  });

  it("reports every problem at once, one line per variable, and writes nothing", () => {
    const problems = problemsFor({ PORT: "abc", TRUST_PROXY: "1", AUTH_DEFAULT_COUNTRY: "x" });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(["AUTH_DEFAULT_COUNTRY", "PORT", "TRUST_PROXY"]);
    expect(existsSync(path.join(cwd, "data"))).toBe(false);
  });

  it("generates the secret once and keeps it in the data folder", () => {
    const first = loadEnv({}, cwd);
    expect(readdirSync(path.join(cwd, "data")).length).toBeGreaterThan(0);
    const second = loadEnv({}, cwd);
    expect(second.authSecret).toBe(first.authSecret);
    expect(second.authSecretSource).toBe("generated");
  });

  it("does not touch the data folder when AUTH_SECRET is set", () => {
    loadEnv({ AUTH_SECRET: SECRET }, cwd);
    expect(existsSync(path.join(cwd, "data"))).toBe(false);
  });
});
