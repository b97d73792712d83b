/**
 * Property-based fuzzing of every tRPC procedure (walked from `appRouter`): queries by
 * `GET ?input=`, mutations by POST, with arbitrary JSON, the procedure's own fields with
 * wrong types and hostile strings, raw bodies and odd headers, signed in or not. Every
 * answer is 2xx-4xx JSON in tRPC's envelope, with no stack trace or internal path, and
 * nothing reaches the last-resort error handlers. Seeded and bounded (test/fuzz.ts).
 */
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { appRouter } from "./root";
import { PASS } from "./rest/test-helpers";
import {
  anyJson,
  contentType,
  expectTrpcAnswer,
  fieldNames,
  fieldsObject,
  nastyString,
  nastyValue,
  oddHeaders,
  params,
  POSTGRES_BREAKERS,
  freshAddress,
  rawBody,
  remoteAddress,
} from "./test/fuzz";
import { fuzzSessionForFile } from "./test/fuzz-session";
import type { z } from "zod";

const h = fuzzSessionForFile();

interface Procedure {
  _def: { type: "query" | "mutation"; inputs: z.ZodType[] };
}
const procedures = Object.entries((appRouter._def as unknown as { procedures: Record<string, Procedure> }).procedures);

const EMAIL = "fuzz.target@example.com";
/** A well-formed input per procedure, so that one hostile field gets past the others. */
const WELL_FORMED: Record<string, Record<string, unknown>> = {
  "auth.checkPassword": { password: PASS },
  "auth.register": { email: EMAIL, password: PASS, fullName: "Ana", username: "ana", phone: "0881829915", birthDate: "1990-01-31", locale: "id" },
  "auth.registrationStatus": { verificationId: "1" },
  "auth.resendRegistration": { email: EMAIL, locale: "en" },
  "auth.verifyRegistration": { verificationId: "1", code: "123456", delivery: "token" },
  "auth.sendEmailVerification": { email: EMAIL, locale: "en" },
  "auth.verifyEmail": { email: EMAIL, code: "123456", delivery: "cookie" },
  "auth.requestPhoneCode": { phone: "0881829915", locale: "en" },
  "auth.loginWithPhoneCode": { phone: "0881829915", code: "123456", delivery: "token" },
  "auth.loginWithPassword": { identifier: EMAIL, password: PASS, delivery: "token" },
  "auth.loginWithPin": { username: "ana", pin: "902734", delivery: "token" },
  "auth.forgotPassword": { identifier: EMAIL, locale: "en" },
  "auth.resetPassword": { identifier: EMAIL, code: "123456", newPassword: PASS, locale: "en" },
  "auth.resetPasswordWithLink": { token: "abc", newPassword: PASS, locale: "en" },
  "auth.resetLinkStatus": { token: "abc" },
  "auth.renew": { accessToken: "a.b.c" },
  "user.requestVerification": { channel: "email", locale: "en" },
  "user.confirmVerification": { channel: "phone", code: "123456" },
  "pin.set": { pin: "902734", currentPassword: PASS },
  "pin.relogin": { pin: "902734" },
  "pin.requestReset": { locale: "en" },
  "pin.reset": { code: "123456", pin: "902734" },
  "password.update": { newPassword: PASS, currentPassword: PASS, locale: "en" },
  "session.revoke": { sessionId: "abc" },
  "session.revokeAll": { keepCurrent: true },
  "firebase.token": { userId: 1 },
  "admin.audit": { userId: 1, kind: "login", from: 0, to: 1, before: 10, limit: 5 },
  "admin.setRole": { userId: 1, role: "customer" },
  "admin.factors": { userId: 1 },
  "admin.resetFactors": { userId: 1 },
  "admin.revokeOidcClient": { clientId: "abc" },
  "security.startTotp": { name: "Pixel" },
  "security.confirmTotp": { factorId: 1, code: "123456" },
  "security.removeFactor": { factorId: 1 },
  "security.finishPasskey": { ceremonyId: "1", response: { id: "a", rawId: "a", type: "public-key", response: { clientDataJSON: "a", attestationObject: "a" } }, name: "Phone" },
  "auth.secondStepPasskeyOptions": { ticket: "a.b", delivery: "token" },
  "auth.loginWithPasskey": {
    ceremonyId: "1",
    response: { id: "a", rawId: "a", type: "public-key", response: { clientDataJSON: "a", authenticatorData: "a", signature: "a" } },
    delivery: "token",
  },
};

/** Who calls: nobody, a signed-in user, an admin, or someone with a bogus credential. */
const caller = fc.constantFrom("none", "user", "admin", "odd");

async function headersFor(who: string, odd: Record<string, string>): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...odd };
  if (who !== "odd") {
    delete headers.authorization;
    delete headers.cookie;
  }
  if (who === "user" || who === "admin") headers.authorization = `Bearer ${await h.token(who)}`;
  return headers;
}

/** Calls a procedure the documented way: a query by GET ?input=, a mutation by POST. */
function call(name: string, type: "query" | "mutation", input: string | Uint8Array | undefined, headers: Record<string, string>, remote: string) {
  if (type === "query") {
    const text = typeof input === "string" ? input : input === undefined ? undefined : Buffer.from(input).toString("latin1");
    const qs = text === undefined ? "" : `?input=${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "?"))}`;
    return h.request("GET", `/api/trpc/${name}${qs}`, { headers, remote });
  }
  return h.request("POST", `/api/trpc/${name}`, { headers: { "content-type": "application/json", ...headers }, body: input, remote });
}

describe("every tRPC procedure", () => {
  it("walks at least the documented procedures", () => {
    const names = procedures.map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(["user.me", "pin.set", "auth.loginWithPassword", "admin.setRole"]));
  });

  for (const [name, proc] of procedures) {
    const type = proc._def.type;
    const names = fieldNames(proc._def.inputs[0]);

    it.prop([anyJson, caller, remoteAddress], params())(`${name} (${type}): any JSON input`, async (input, who, remote) => {
      const res = await call(name, type, JSON.stringify(input), await headersFor(who, {}), remote);
      expectTrpcAnswer(res);
    });

    if (names.length) {
      const base = WELL_FORMED[name];
      it(`${name}: has a well-formed input in the fuzz table`, () => {
        expect(Object.keys(base ?? {}).sort()).toEqual([...names].sort());
      });

      it.prop([fieldsObject(names), caller, oddHeaders, remoteAddress], params())(
        `${name}: its fields (${names.join(", ")}) with wrong types, huge and unicode strings, odd headers`,
        async (input, who, odd, remote) => {
          const res = await call(name, type, JSON.stringify(input), await headersFor(who, odd), remote);
          expectTrpcAnswer(res);
        },
      );

      const breakers = names.flatMap((field) => POSTGRES_BREAKERS.map((value): [string, unknown, "admin", string] => [field, value, "admin", freshAddress()]));
      it.prop([fc.constantFrom(...names), fc.oneof({ arbitrary: nastyString, weight: 6 }, nastyValue), caller, remoteAddress], { ...params(), examples: breakers })(
        `${name}: a well-formed input with one field hostile`,
        async (field, value, who, remote) => {
          const res = await call(name, type, JSON.stringify({ ...base, [field]: value }), await headersFor(who, {}), remote);
          expectTrpcAnswer(res);
        },
      );
    }

    it.prop([rawBody, contentType, caller, oddHeaders, remoteAddress], params())(
      `${name}: raw input and odd headers`,
      async (body, type_, who, odd, remote) => {
        const headers = await headersFor(who, odd);
        if (type === "mutation") headers["content-type"] = type_;
        const res = await call(name, type, body, headers, remote);
        expectTrpcAnswer(res);
      },
    );
  }

  it.prop([fc.constantFrom(...procedures.map(([n]) => n)), fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"), anyJson], params())(
    "the wrong method, batches and unknown names answer a tRPC error",
    async (name, method, input) => {
      const body = method === "GET" ? undefined : JSON.stringify(input);
      for (const path of [`/api/trpc/${name}`, `/api/trpc/${name},${name}?batch=1`, `/api/trpc/${name}.nope`, `/api/trpc/${name}/x`]) {
        const res = await h.request(method, path, { headers: { "content-type": "application/json" }, body });
        expectTrpcAnswer(res);
      }
    },
  );
});
