/**
 * The document declares 429 (with Retry-After) on exactly the operations that can answer it.
 * Each route is asked again and again from one address with every limit of core's at 1 (and
 * two wrong codes or PINs locking): the routes that answered 429 must be the routes whose
 * description lists 429, and every 429 must carry a Retry-After of whole seconds.
 */
import { describe, expect, it } from "vitest";
import { PIN, restSetup, type RestHarness, type RestInit } from "./test-helpers";

const ADDRESS = "198.51.100.7";
const TRIES = 5;

type Call = [method: string, path: string, body?: unknown, init?: RestInit];
interface Scenario {
  /** The state the route needs, made from another address; answers the `i`th request. */
  prepare(h: RestHarness): Promise<(i: number) => Call>;
  /** The first answer's status: the scenario reached the route's logic rather than its validation. */
  first: number;
}

const phone = (i: number) => `0812345678${String(i).padStart(2, "0")}`;
/** A code that is not the one sent (so the test never depends on luck). */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
const PASSWORD = "kopi-tubruk-42";

async function register003(h: RestHarness, n: string) {
  const reg = await h.call("POST", "/api/v1/auth/register", { username: `user${n}`, email: `u${n}@example.com`, password: "correct-horse-battery", fullname: "John Doe" });
  expect(reg.status, reg.text).toBe(200);
  return { email: `u${n}@example.com`, verificationId: reg.body.verificationId as string };
}

const SCENARIOS: Record<string, Scenario> = {
  mobileOtpCreate: { first: 201, prepare: async () => (i) => ["POST", "/api/v1/authentication", { mobile_number: phone(i) }] },
  mobileOtpResend: {
    first: 429, // inside the cooldown of the code the create just sent
    async prepare(h) {
      const created = await h.call("POST", "/api/v1/authentication", { mobile_number: phone(0) });
      return () => ["PATCH", `/api/v1/authentication/${created.body.payload.data[0].id}`, { mobile_number: phone(0) }];
    },
  },
  mobileOtpLogin: {
    first: 400,
    async prepare(h) {
      const created = await h.call("POST", "/api/v1/authentication", { mobile_number: phone(0) });
      const code = wrong(await h.code(phone(0), "login"));
      return () => ["PUT", `/api/v1/authentication/${created.body.payload.data[0].id}`, { mobile_number: phone(0), otp_code: code }];
    },
  },
  mobileOtpRenew: {
    first: 200,
    async prepare(h) {
      const { id, token } = await h.phoneLogin000(phone(0));
      return () => ["PATCH", `/api/v1/authorization/${id}`, { mobile_number: phone(0), access_token: token }];
    },
  },
  phoneSignupSignUp: {
    first: 200,
    prepare: async () => (i) => ["POST", "/user/sign-up", { name: "Budi Santoso", email: `b${i}@example.com`, phoneNumber: phone(i), birthDate: "1990-04-17" }],
  },
  phoneSignupVerifyPhone: { first: 200, prepare: async () => (i) => ["POST", "/verify-phone", { phoneNumber: phone(i) }] },
  phoneSignupLogin: { first: 401, prepare: async () => () => ["POST", "/login", { phoneNumber: phone(0), verificationCode: "123456" }] },
  phoneSignupFirebaseToken: {
    first: 200,
    async prepare(h) {
      await h.call("POST", "/user/sign-up", { name: "Budi Santoso", email: "b@example.com", phoneNumber: phone(0), birthDate: "1990-04-17" });
      const token = await h.phoneLogin001(phone(0));
      const id = await h.userIdByPhone(`+62${phone(0).slice(1)}`);
      return () => ["GET", `/3p/token?userId=${id}`, undefined, { token }];
    },
  },
  emailPasswordRegister: {
    first: 200,
    prepare: async () => (i) => ["POST", "/auth/register", { email: `s${i}@example.com`, password: PASSWORD, fullname: "Siti Nurhaliza" }],
  },
  emailPasswordSendOtp: {
    first: 200,
    async prepare(h) {
      await h.call("POST", "/auth/register", { email: "s@example.com", password: PASSWORD, fullname: "Siti Nurhaliza" });
      return () => ["POST", "/auth/send-otp", { email: "s@example.com" }];
    },
  },
  emailPasswordVerifyOtp: {
    first: 400,
    async prepare(h) {
      await h.call("POST", "/auth/register", { email: "s@example.com", password: PASSWORD, fullname: "Siti Nurhaliza" });
      await h.call("POST", "/auth/send-otp", { email: "s@example.com" });
      const code = wrong(await h.code("s@example.com", "verify_email"));
      return () => ["POST", "/auth/otp-verify", { email: "s@example.com", otp_number: code }];
    },
  },
  emailPasswordLogin: {
    first: 401,
    async prepare(h) {
      await h.emailUser002("s@example.com", PASSWORD);
      return () => ["POST", "/auth/login", { email: "s@example.com", password: `${PASSWORD}-wrong` }];
    },
  },
  emailPasswordSendForgotPassword: { first: 200, prepare: async () => (i) => ["POST", "/auth/send-forgot-password", { email: `s${i}@example.com` }] },
  emailPasswordUpdatePassword: {
    first: 200,
    async prepare(h) {
      const token = await h.emailUser002("s@example.com", PASSWORD);
      return (i) => ["PATCH", "/auth/update-password", { new_password: `teh-manis-${i}0` }, { token }];
    },
  },
  emailVerificationRegister: {
    first: 200,
    prepare: async () => (i) => ["POST", "/api/v1/auth/register", { username: `user${i}`, email: `u${i}@example.com`, password: "correct-horse-battery", fullname: "John Doe" }],
  },
  emailVerificationStatus: {
    first: 200,
    async prepare(h) {
      const { verificationId } = await register003(h, "a");
      return () => ["GET", `/api/v1/auth/status?id=${encodeURIComponent(verificationId)}`];
    },
  },
  emailVerificationResend: {
    first: 429, // inside the cooldown of the code register just sent
    async prepare(h) {
      const { email } = await register003(h, "a");
      return () => ["POST", "/api/v1/auth/resend", { email }];
    },
  },
  emailVerificationVerify: {
    first: 400,
    async prepare(h) {
      const { email, verificationId } = await register003(h, "a");
      const code = wrong(await h.code(email, "signup"));
      return () => ["POST", "/api/v1/auth/verify", { code, verificationId }];
    },
  },
  emailVerificationLogin: {
    first: 401,
    async prepare(h) {
      await h.verifiedUser({ username: "johndoe", email: "john@example.com" });
      return () => ["POST", "/api/v1/auth/login", { email: "john@example.com", password: "not-the-password" }];
    },
  },
  mpinLogin: {
    first: 400,
    async prepare(h) {
      await h.userWithPin({ username: "budi", email: "budi@example.com" });
      return () => ["POST", "/v1/auth/login", { username: "budi", mpin: wrong(PIN) }];
    },
  },
  mpinRelogin: {
    first: 400,
    async prepare(h) {
      const { token } = await h.userWithPin({ username: "budi", email: "budi@example.com" });
      return () => ["POST", "/v1/auth/relogin", { mpin: wrong(PIN) }, { token }];
    },
  },
  mpinForgotPassword: { first: 400, prepare: async () => () => ["POST", "/v1/auth/forgot-password", { idCustomers: 1, accountNumber: "1", mpin: PIN }] },
  mpinSetupNewPassword: {
    first: 400,
    prepare: async () => () => ["POST", "/v1/auth/setup-new-password", { username: "nobody", newPassword: "a-new-long-passphrase", otpCode: "123456" }],
  },
};

/** Every limit of core's at one event, and a second wrong code or PIN locking: a request past the first over any of them is refused. */
function tighten(h: RestHarness) {
  const options = h.auth.ctx.options;
  // New objects: the resolved options may share nested ones with core's defaults.
  options.limits = Object.fromEntries(Object.entries(options.limits).map(([name, limit]) => [name, { ...limit, max: 1 }])) as typeof options.limits;
  options.code = { ...options.code, maxAttempts: 2, maxAttemptsPerCode: 2, perHour: 1, perDay: 1, destinationPerHour: 1, destinationPerDay: 1 };
  options.pin = { ...options.pin, maxFailures: 2 };
  options.smsNewNumbersPerHour = 1;
  options.smsNewNumbersPerRequesterPerHour = 1;
}

interface Operation {
  operationId: string;
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

async function operations(): Promise<Operation[]> {
  const doc = (await restSetup().raw("/api/openapi.json")).body as { paths: Record<string, Record<string, Operation>> };
  return Object.values(doc.paths).flatMap((ops) => Object.values(ops));
}

describe("429 in the OpenAPI document", () => {
  it("every operation has a scenario here", async () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual((await operations()).map((o) => o.operationId).sort());
  });

  it("is declared, with Retry-After, on exactly the operations that answer it", async () => {
    const declared: Record<string, boolean> = {};
    for (const op of await operations()) {
      declared[op.operationId] = "429" in op.responses;
      if (declared[op.operationId]) expect(Object.keys(op.responses["429"]!.headers ?? {}), op.operationId).toContain("Retry-After");
    }
    const answered: Record<string, boolean> = {};
    const firsts: Record<string, number> = {};
    for (const [operationId, scenario] of Object.entries(SCENARIOS)) {
      const h = restSetup();
      const request = await scenario.prepare(h);
      tighten(h);
      const statuses: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        const [method, path, body, init] = request(i);
        const res = await h.call(method, path, body, { ...init, remote: ADDRESS });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers.get("retry-after"), `${operationId} Retry-After`).toMatch(/^\d+$/);
          break;
        }
      }
      firsts[operationId] = statuses[0]!;
      answered[operationId] = statuses.includes(429);
    }
    expect(firsts).toEqual(Object.fromEntries(Object.entries(SCENARIOS).map(([id, s]) => [id, s.first])));
    expect(answered).toEqual(declared);
  }, 120_000);
});
