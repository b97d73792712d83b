/**
 * Where a bench run keeps its databases: fresh SQLite files in the run's temp folder (the
 * default), or, with `--database-url postgres://…`, fresh PostgreSQL databases created on that
 * server for the run and dropped at its end. The URL's own database is used only to create and
 * drop them; nothing else on the server is touched.
 */
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

export interface PhoneCode {
  userId: number;
  phone: string;
  code: string;
}

export interface RegistrationCode {
  verificationId: string;
  code: string;
}

export interface Databases {
  engine: "sqlite" | "postgres";
  /** A new, empty database for the run: a file path (SQLite) or a URL (PostgreSQL). */
  fresh(name: string): Promise<string>;
  /** The service's DATABASE_URL for a database made by fresh(). */
  serviceUrl(db: string): string;
  /** The codes sent by a run's family 000 code requests, read from the outbox (the dev outbox's table). */
  phoneCodes(db: string): Promise<PhoneCode[]>;
  registrationCodes(db: string): Promise<RegistrationCode[]>;
  /** Drops what fresh() made on a server (SQLite files go with the temp folder). */
  dispose(): Promise<void>;
}

const PHONE_CODES = `SELECT u.id AS "userId", o."to" AS phone, o.code FROM outbox o JOIN users u ON u.phone = o."to"
  WHERE o.purpose = 'login' AND o.channel = 'sms' AND o."to" LIKE '+62813%' ORDER BY o.id`;
const REGISTRATION_CODES = `SELECT challenge_id AS "verificationId", code FROM outbox WHERE purpose = 'signup' ORDER BY id`;

/** The value of a `--database-url` option, refused unless PostgreSQL's (SQLite needs no URL: it is the default). */
export function postgresUrlArg(value: string | undefined): string {
  if (!value || !/^postgres(ql)?:\/\//i.test(value)) throw new Error("--database-url needs a postgres:// URL (SQLite is the default)");
  return value;
}

export function sqliteDatabases(work: string): Databases {
  const read = <T>(file: string, sql: string): T[] => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  return {
    engine: "sqlite",
    fresh: (name) => Promise.resolve(path.join(work, `${name}.db`)),
    serviceUrl: (file) => `file:${file}`,
    phoneCodes: (file) => Promise.resolve(read<PhoneCode>(file, PHONE_CODES)),
    registrationCodes: (file) => Promise.resolve(read<RegistrationCode>(file, REGISTRATION_CODES)),
    dispose: () => Promise.resolve(),
  };
}

export function postgresDatabases(adminUrl: string, runId: string): Databases {
  const made: string[] = [];
  const urlOf = (name: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const read = async <T>(url: string, sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    engine: "postgres",
    async fresh(name) {
      // Lower case, no quoting needed; the run id keeps two runs on one server apart.
      const db = `authsvc_bench_${runId}_${name.replace(/[^a-z0-9]/gi, "_")}`.toLowerCase();
      await admin((c) => c.query(`CREATE DATABASE ${db}`));
      made.push(db);
      return urlOf(db);
    },
    serviceUrl: (url) => url,
    phoneCodes: (url) => read<PhoneCode>(url, PHONE_CODES),
    registrationCodes: (url) => read<RegistrationCode>(url, REGISTRATION_CODES),
    async dispose() {
      if (!made.length) return;
      await admin(async (c) => {
        // FORCE: a server the bench could not stop cleanly must not keep a database behind.
        for (const db of made.splice(0)) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      });
    },
  };
}
