/**
 * The main run: the service and the baseline side by side on one seeded database, token
 * checks, logins (against the hashing ceiling), code requests and verifications, and the
 * second factors' sign-ins (a passkey, a TOTP second step).
 */
import { ceilingPhase } from "./ceiling-phase";
import { mixedPhase, phase } from "./phases";
import type { Phase } from "./phases";
import type { Server } from "./procs";
import { args, CODE_CONNECTIONS, databases, log, LOGIN_CONNECTIONS, runId, TOKEN_CONNECTIONS } from "./run-context";
import { RATE_LIMIT_ROWS } from "./seed";
import { scratchDatabase, seededDatabase } from "./seeded-databases";
import { startBaseline, startService } from "./servers";
import { passkeyAccounts, passkeySignIns } from "./passkeys";
import { totpAccounts, totpSecondStep, totpTickets, type TotpAccount } from "./totp";
import { accounts, codeLogin, codeRequest, firebase, me, passwordLogin, pendingRegistrations, pinLogin, registration, registrationVerify } from "./workloads";

export async function mainRun() {
  log(`seeding ${args.users} users and ${RATE_LIMIT_ROWS} rate-limit windows`);
  const { db: dbFile, seeded } = await seededDatabase(`users-${args.users}`, args.users);
  const scratchDb = await scratchDatabase();

  log("starting the service and the baseline");
  const servers: Server[] = [];
  try {
    const service = await startService("service", dbFile);
    servers.push(service);
    const baseline = await startBaseline(dbFile, scratchDb, `http://localhost:${service.port}`);
    servers.push(baseline);
    const list = await accounts(service.url, args.users, 200);

    log("token checks");
    const baseMe = await phase("token check", baseline, me("/me", list), { connections: TOKEN_CONNECTIONS });
    const svcMe = await phase("token check (tRPC user.me)", service, me("/api/trpc/user.me", list), { connections: TOKEN_CONNECTIONS });
    const baseRest = await phase("REST GET /3p/token", baseline, firebase("/3p/token", list), { connections: TOKEN_CONNECTIONS });
    const svcRest = await phase("REST GET /3p/token", service, firebase("/3p/token", list), { connections: TOKEN_CONNECTIONS });
    const tokenAlgs = await tokenAlgPhases(dbFile, service, baseline, servers);

    log("logins");
    const ceilingNow = await ceilingPhase();
    const password = await phase("password login (tRPC)", service, passwordLogin(args.users), { connections: LOGIN_CONNECTIONS });
    const pin = await phase("PIN login (REST family 004)", service, pinLogin(args.users), { connections: LOGIN_CONNECTIONS });
    const mixed = await mixedPhase(service, list, args.users);

    log("codes");
    const baseCodeReq = await phase("code request", baseline, codeRequest("/code"), { connections: CODE_CONNECTIONS });
    const svcCodeReq = await phase("code request (family 000)", service, codeRequest("/api/v1/authentication"), { connections: CODE_CONNECTIONS });
    const svcCodes = await databases.phoneCodes(dbFile);
    const baseCodes = await databases.phoneCodes(scratchDb);
    const warmOf = (n: number) => Math.min(Math.floor(n / 5), 2_000);
    const verifyAmount = (n: number) => n - warmOf(n);
    const svcVerify = await phase("code verify (family 000)", service, codeLogin((id) => `/api/v1/authentication/${id}`, svcCodes), {
      connections: CODE_CONNECTIONS,
      warmAmount: warmOf(svcCodes.length),
      amount: verifyAmount(svcCodes.length),
    });
    const baseVerify = await phase("code verify", baseline, codeLogin((id) => `/code/${id}`, baseCodes), {
      connections: CODE_CONNECTIONS,
      warmAmount: warmOf(baseCodes.length),
      amount: verifyAmount(baseCodes.length),
    });
    const register = await phase("code request (family 003 register)", service, registration(runId), { connections: LOGIN_CONNECTIONS });
    const regCodes = await databases.registrationCodes(dbFile);
    const svcRegVerify = await phase("code verify (family 003)", service, registrationVerify("/api/v1/auth/verify", regCodes), {
      connections: CODE_CONNECTIONS,
      warmAmount: warmOf(regCodes.length),
      amount: verifyAmount(regCodes.length),
    });
    const fixture = await pendingRegistrations(baseline.url, regCodes.length);
    const baseRegVerify = await phase("code verify (registration)", baseline, registrationVerify("/verify", fixture), {
      connections: CODE_CONNECTIONS,
      warmAmount: warmOf(fixture.length),
      amount: verifyAmount(fixture.length),
    });
    const passkeys = databases.engine === "sqlite" ? await passkeyPhases(service, baseline) : undefined;
    const totp = databases.engine === "sqlite" ? await totpPhases(service, baseline) : undefined;
    const mem = service.memory();
    return {
      seeded,
      ceiling: ceilingNow,
      peakRss: Math.max(mem?.peak ?? 0, service.maxRss),
      baseMe,
      svcMe,
      baseRest,
      svcRest,
      tokenAlgs,
      password,
      pin,
      mixed,
      baseCodeReq,
      svcCodeReq,
      svcVerify,
      baseVerify,
      register,
      svcRegVerify,
      baseRegVerify,
      passkeys,
      totp,
    };
  } finally {
    for (const s of servers) await s.stop();
  }
}

/** Passkey sign-ins this many, after a fifth as many unmeasured (each answers a ceremony of its own). */
const PASSKEY_SIGN_INS = 3000;

/**
 * The passkey sign-in, service against baseline, the same passkeys (registered on the
 * service; the baseline reads them from its database) verified with the same library.
 * SQLite only: the PostgreSQL baseline has no passkey route yet.
 */
async function passkeyPhases(service: Server, baseline: Server) {
  log("passkeys");
  const devices = await passkeyAccounts(service.url, `http://localhost:${service.port}`, 20, runId);
  const warm = Math.floor(PASSKEY_SIGN_INS / 5);
  const run = async (name: string, server: Server, optionsUrl: string, path: string) => {
    const bodies = await passkeySignIns(optionsUrl, path, devices, warm + PASSKEY_SIGN_INS);
    return phase(name, server, (i) => bodies[i]!, { connections: CODE_CONNECTIONS, warmAmount: warm, amount: PASSKEY_SIGN_INS });
  };
  const svc = await run("passkey sign-in (tRPC)", service, `${service.url}/api/trpc/auth.passkeyOptions`, "/api/trpc/auth.loginWithPasskey");
  const base = await run("passkey sign-in", baseline, `${baseline.url}/passkey/options`, "/passkey");
  return { svc, base };
}

/** TOTP second steps this many on each side, after a fifth as many unmeasured (each has an account and a ticket of its own). */
const TOTP_SECOND_STEPS = 1500;

/**
 * The TOTP second step, service against baseline, on tickets from first steps on the service
 * (the baseline reads them, and the apps enrolled on the service, from its database) and the
 * same TOTP library. SQLite only: the PostgreSQL baseline has no second-step route yet.
 */
async function totpPhases(service: Server, baseline: Server) {
  log("TOTP second steps");
  const warm = Math.floor(TOTP_SECOND_STEPS / 5);
  const perSide = warm + TOTP_SECOND_STEPS;
  const accounts = await totpAccounts(service.url, 2 * perSide);
  const run = async (name: string, server: Server, path: string, mine: TotpAccount[]) => {
    const tickets = await totpTickets(service.url, mine);
    return phase(name, server, totpSecondStep(path, mine, tickets), { connections: CODE_CONNECTIONS, warmAmount: warm, amount: TOTP_SECOND_STEPS });
  };
  const svc = await run("TOTP second step (tRPC)", service, "/api/trpc/auth.secondStep", accounts.slice(0, perSide));
  const base = await run("TOTP second step", baseline, "/totp", accounts.slice(perSide));
  return { svc, base };
}

/** The asymmetric token algorithms, each measured on a service of its own (AUTH_TOKEN_ALG). */
const ASYMMETRIC_ALGS = ["ES256", "EdDSA"] as const;

/**
 * The token check with each asymmetric algorithm: a service signing with it, on the same
 * database, against the baseline checking the same tokens with the same key (read from the
 * service's published set) and the same library (node:crypto), plus the same one lookup.
 */
async function tokenAlgPhases(dbFile: string, service: Server, baseline: Server, servers: Server[]) {
  const out: Partial<Record<(typeof ASYMMETRIC_ALGS)[number], { svc: Phase; base: Phase }>> = {};
  for (const alg of ASYMMETRIC_ALGS) {
    log(`token checks, ${alg}`);
    const signer = await startService(`service-${alg}`, dbFile, { AUTH_TOKEN_ALG: alg });
    servers.push(signer);
    try {
      const list = await accounts(signer.url, args.users, 200);
      // The baseline reads the keys from the first service, which reads the set every few seconds.
      await published(service.url, list[0]!.token);
      const base = await phase(`token check, ${alg}`, baseline, me("/me", list), { connections: TOKEN_CONNECTIONS });
      const svc = await phase(`token check, ${alg} (tRPC user.me)`, signer, me("/api/trpc/user.me", list), { connections: TOKEN_CONNECTIONS });
      out[alg] = { svc, base };
    } finally {
      await signer.stop();
      servers.splice(servers.indexOf(signer), 1);
    }
  }
  return out;
}

/** Waits until `url` publishes the key that signed `token`. */
async function published(url: string, token: string): Promise<void> {
  const kid = (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as { kid?: string }).kid;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { keys } = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    if (keys.some((k) => k.kid === kid)) return;
    if (Date.now() > deadline) throw new Error(`${url} did not publish key ${kid}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
