/**
 * The requests the bench (its runs: main-run.ts, scale-run.ts, soak-run.ts) and the
 * instruction counts (instructions.ts) send, to the service and to its by-hand baseline alike,
 * and the set-up they need (signed-in users, pending registrations), so both measure the same
 * work.
 */
import { availableParallelism } from "node:os";
import type { PhoneCode, RegistrationCode } from "./databases";
import type { RequestSpec } from "./load";
import { hashLikeService, SEED_PASSWORD, SEED_PIN, seedEmail, seedUsername } from "./seed";

export interface Account {
  id: number;
  token: string;
}

export const json = (body: unknown) => JSON.stringify(body);
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const pick = (n: number) => 1 + Math.floor(Math.random() * n);

/** Logs `count` seeded users in (spread over the whole table) and keeps their access tokens. */
export async function accounts(url: string, users: number, count: number): Promise<Account[]> {
  const out: Account[] = [];
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, users)) chosen.add(pick(users));
  const queue = [...chosen];
  await Promise.all(
    Array.from({ length: availableParallelism() * 2 }, async () => {
      for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
        const res = await fetch(`${url}/api/trpc/auth.loginWithPassword`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: json({ identifier: seedEmail(i), password: SEED_PASSWORD }),
        });
        const body = (await res.json()) as { result?: { data?: { accessToken: string; user: { id: number } } } };
        const data = body.result?.data;
        if (!data) throw new Error(`login of seeded user ${i} failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        out.push({ id: data.user.id, token: data.accessToken });
      }
    }),
  );
  return out;
}

export const me = (path: string, list: Account[]) => (i: number): RequestSpec => ({ method: "GET", path, headers: bearer(list[i % list.length]!.token) });
export const firebase = (path: string, list: Account[]) => (i: number): RequestSpec => {
  const a = list[i % list.length]!;
  return { method: "GET", path: `${path}?userId=${a.id}`, headers: bearer(a.token) };
};
export const passwordLogin = (users: number) => (): RequestSpec => ({
  method: "POST",
  path: "/api/trpc/auth.loginWithPassword",
  body: json({ identifier: seedEmail(pick(users)), password: SEED_PASSWORD }),
});
export const pinLogin = (users: number) => (): RequestSpec => ({
  method: "POST",
  path: "/v1/auth/login",
  body: json({ username: seedUsername(pick(users)), mpin: SEED_PIN }),
});

let phoneCounter = 0;
/**
 * A number nobody has used in this process: every code request is a first send, no cooldown.
 * The prefix is the one the outbox readers in databases.ts look for.
 */
const freshPhone = () => `+62813${String(++phoneCounter).padStart(8, "0")}`;

export const codeRequest = (path: string) => (): RequestSpec => ({ method: "POST", path, body: json({ mobile_number: freshPhone() }) });

let registrationCounter = 0;
/** Family 003 registrations (each hashes its password); `prefix` tells this process's usernames from another's on the same database. */
export const registration = (prefix: string) => {
  return (): RequestSpec => {
    const n = ++registrationCounter;
    return {
      method: "POST",
      path: "/api/v1/auth/register",
      body: json({ username: `r${prefix}${n}`, email: `r${prefix}.${n}@bench.test`, password: SEED_PASSWORD, fullname: "Bench Registration" }),
    };
  };
};

export const codeLogin = (path: (userId: number) => string, list: PhoneCode[]) => (i: number): RequestSpec => {
  const c = list[i]!;
  return { method: "PUT", path: path(c.userId), body: json({ mobile_number: c.phone, otp_code: c.code }) };
};
export const registrationVerify = (path: string, list: RegistrationCode[]) => (i: number): RequestSpec => {
  const c = list[i]!;
  return { method: "POST", path, body: json({ verificationId: c.verificationId, code: c.code }) };
};

/**
 * `count` pending registrations made by the baseline's set-up route, each with its code: the
 * baseline has no register route, since registering is bound by hashing, measured on its own.
 */
export async function pendingRegistrations(baselineUrl: string, count: number): Promise<RegistrationCode[]> {
  const passwordHash = await hashLikeService(SEED_PASSWORD);
  const res = await fetch(`${baselineUrl}/fixture/pending`, { method: "POST", body: json({ count, passwordHash }) });
  return (await res.json()) as RegistrationCode[];
}
