/**
 * The TOTP second step's set-up: accounts of their own (the seeded users keep signing in
 * without a second factor in the other phases), each with an authenticator app enrolled
 * through the service's own procedures, and one ticket per measured second step, each from a
 * first step on the service made just before the phase (a ticket is single-use).
 *
 * The service takes a code once per account and 30-second step (it compare-and-sets the last
 * step used), so every second step sent has an account of its own. The first factor is a
 * phone code: it hashes nothing, where a password would cost two argon2 hashes an account (its
 * sign-up and its ticket), minutes for thousands. The ticket's code is asked for with the
 * device token the account's first sign-in gave, as a returning phone would send it: the
 * requester is then that known device, whose cooldown is its own, so the first code's minute
 * of cooldown does not refuse it. The ticket is bound to that device, so the second step
 * presents it too.
 */
import { availableParallelism } from "node:os";
import { Secret, TOTP } from "otpauth";
import type { RequestSpec } from "./load";
import { call, dataOf, inParallel, outboxCode, post } from "./setup-calls";
import { bearer, json } from "./workloads";

export interface TotpAccount {
  phone: string;
  app: Secret;
  /** The known-device token of the account's first sign-in. */
  device: string;
}

const PERIOD_MS = 30_000;
const WORKERS = availableParallelism() * 4;
const ENROL_TRIES = 3;
/** Numbers of no other phase (seeded users are +62811…, family 000's code requests +62813…). */
const phoneOf = (i: number) => `+62815${String(i).padStart(8, "0")}`;
const codeAt = (app: Secret, timestamp: number) => TOTP.generate({ secret: app, timestamp });
const deviceHeader = (a: TotpAccount) => ({ "x-device-token": a.device });

/** `count` new accounts on the service, signed up by phone code, each with a confirmed authenticator app. */
export async function totpAccounts(serviceUrl: string, count: number): Promise<TotpAccount[]> {
  const out: TotpAccount[] = [];
  await inParallel(count, WORKERS, async (i) => {
    const phone = phoneOf(i);
    await post(`${serviceUrl}/api/trpc/auth.requestPhoneCode`, { phone });
    const signedIn = dataOf(await post(`${serviceUrl}/api/trpc/auth.loginWithPhoneCode`, { phone, code: await outboxCode(serviceUrl, phone) }));
    const auth = bearer(signedIn.accessToken as string);
    const started = dataOf(await post(`${serviceUrl}/api/trpc/security.startTotp`, {}, auth)) as { factorId: number; secret: string };
    const app = Secret.fromBase32(started.secret);
    await confirmApp(serviceUrl, auth, started.factorId, app);
    out.push({ phone, app, device: signedIn.deviceToken as string });
  });
  return out;
}

/**
 * Confirms the enrolment with the code of the step before now, which the service's drift
 * window of one step takes: the current step stays unspent, so a second step can follow at
 * once rather than after the next step begins. When the step turns on the way that code is a
 * step too old and refused; then again.
 */
async function confirmApp(serviceUrl: string, auth: Record<string, string>, factorId: number, app: Secret): Promise<void> {
  for (let i = 0; i < ENROL_TRIES; i++) {
    const r = await call(`${serviceUrl}/api/trpc/security.confirmTotp`, { factorId, code: codeAt(app, Date.now() - PERIOD_MS) }, auth);
    if (r.status === 200) return;
    if (r.answer.error?.data?.authCode !== "INVALID_CODE") throw new Error(`confirmTotp: ${r.status} ${r.text.slice(0, 300)}`);
  }
  throw new Error(`confirmTotp refused ${ENROL_TRIES} codes in a row`);
}

/** One ticket per account: a phone-code first step on the service, from the account's known device, answered SECOND_FACTOR_REQUIRED. */
export async function totpTickets(serviceUrl: string, accounts: TotpAccount[]): Promise<string[]> {
  const tickets: string[] = [];
  await inParallel(accounts.length, WORKERS, async (i) => {
    const a = accounts[i]!;
    await post(`${serviceUrl}/api/trpc/auth.requestPhoneCode`, { phone: a.phone }, deviceHeader(a));
    const code = await outboxCode(serviceUrl, a.phone);
    const first = await call(`${serviceUrl}/api/trpc/auth.loginWithPhoneCode`, { phone: a.phone, code }, deviceHeader(a));
    const ticket = first.answer.error?.data?.ticket;
    if (first.status !== 401 || typeof ticket !== "string") throw new Error(`first step: ${first.status} ${first.text.slice(0, 300)}`);
    tickets[i] = ticket;
  });
  return tickets;
}

/** The i-th second step at `path`: account i's ticket and device, and the code its app shows as the request leaves. */
export const totpSecondStep =
  (path: string, accounts: TotpAccount[], tickets: string[]) =>
  (i: number): RequestSpec => {
    const a = accounts[i]!;
    return { method: "POST", path, headers: deviceHeader(a), body: json({ ticket: tickets[i], totp: codeAt(a.app, Date.now()) }) };
  };
