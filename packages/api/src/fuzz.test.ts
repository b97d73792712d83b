/**
 * Property-based fuzzing of every documented REST route (the route tables of the five
 * families): arbitrary JSON, the route's own fields with wrong types and hostile strings,
 * raw bodies, odd headers, odd path parameters. Every answer is 2xx-4xx, JSON in the
 * family's envelope, with no stack trace or internal path, and nothing reaches the
 * last-resort error handlers. Seeded and bounded (test/fuzz.ts).
 */
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { restFamilies } from "./rest/families";
import { expectCleanJson, PASS, type FamilyId } from "./rest/test-helpers";
import {
  anyJson,
  contentType,
  expectFamilyAnswer,
  fieldNames,
  fieldsObject,
  nastyString,
  nastyValue,
  oddHeaders,
  params,
  pathParam,
  POSTGRES_BREAKERS,
  freshAddress,
  POSTGRES_BREAKING_PARAMS,
  rawBody,
  remoteAddress,
} from "./test/fuzz";
import { fuzzSessionForFile } from "./test/fuzz-session";

const h = fuzzSessionForFile();

const MOBILE = "0881829915";
const EMAIL = "fuzz.target@example.com";
/** A well-formed body per route (seeds/*.txt), so that one hostile field gets past the others. */
const WELL_FORMED: Record<string, Record<string, unknown>> = {
  "POST /api/v1/authentication": { mobile_number: MOBILE },
  "PATCH /api/v1/authentication/:id": { mobile_number: MOBILE },
  "PUT /api/v1/authentication/:id": { mobile_number: MOBILE, otp_code: "123456", role: "customer" },
  "PATCH /api/v1/authorization/:id": { mobile_number: MOBILE, access_token: "a.b.c" },
  "POST /user/sign-up": { name: "Budi Santoso", email: EMAIL, phoneNumber: "0881829917", birthDate: "1990-01-31" },
  "POST /verify-phone": { phoneNumber: MOBILE },
  "POST /login": { phoneNumber: MOBILE, verificationCode: "123456" },
  "POST /auth/register": { email: EMAIL, password: PASS, fullname: "Siti Nurhaliza" },
  "POST /auth/send-otp": { email: EMAIL },
  "POST /auth/otp-verify": { email: EMAIL, otp_number: "123456" },
  "POST /auth/login": { email: EMAIL, password: PASS },
  "POST /auth/send-forgot-password": { email: EMAIL },
  "PATCH /auth/update-password": { new_password: PASS },
  "POST /api/v1/auth/register": {
    username: "fuzzer",
    email: EMAIL,
    phone: "0881829918",
    password: PASS,
    fullname: "John Doe",
    profile_picture: "https://example.com/a.png",
    bio: "hi",
    birthday: "31.01.1990",
  },
  "POST /api/v1/auth/resend": { email: EMAIL },
  "POST /api/v1/auth/verify": { code: "123456", verificationId: "1" },
  "POST /api/v1/auth/login": { email: EMAIL, password: PASS },
  "POST /v1/auth/login": { username: "fuzzer", mpin: "902734" },
  "POST /v1/auth/relogin": { mpin: "902734" },
  "POST /v1/auth/forgot-password": { idCustomers: "1", accountNumber: "1", mpin: "902734" },
  "POST /v1/auth/setup-new-password": { username: "fuzzer", newPassword: PASS, otpCode: "123456" },
};

/** A documented path with its parameters filled (`:id` -> 1 unless given). */
const fill = (path: string, param = "1") => path.replace(/:[a-zA-Z]+/g, param);

/** Bearer routes get no token, a bogus one, or a real one. */
const tokenChoice = fc.constantFrom("none", "valid", "odd");

async function headersFor(choice: string, odd: Record<string, string>, type: string | undefined): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...odd };
  if (choice === "none") delete headers.authorization;
  if (choice === "valid") headers.authorization = `Bearer ${await h.token()}`;
  if (type !== undefined) headers["content-type"] = type;
  return headers;
}

for (const family of restFamilies) {
  const id = family.id as FamilyId;
  describe(`family ${id}`, () => {
    for (const route of family.routes) {
      const name = `${route.method} ${route.path}`;
      const names = fieldNames(route.body);
      const hasParam = route.path.includes(":");

      if (route.body) {
        it.prop([anyJson, remoteAddress], params())(`${name}: any JSON body`, async (body, remote) => {
          const res = await h.request(route.method, fill(route.path), {
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
            remote,
          });
          expectFamilyAnswer(id, res);
        });

        it.prop([fieldsObject(names), tokenChoice, oddHeaders, remoteAddress], params())(
          `${name}: its fields (${names.join(", ")}) with wrong types, huge and unicode strings`,
          async (body, choice, odd, remote) => {
            const headers = await headersFor(choice, odd, "application/json");
            const res = await h.request(route.method, fill(route.path), { headers, body: JSON.stringify(body), remote });
            expectFamilyAnswer(id, res);
          },
        );

        const base = WELL_FORMED[`${route.method} ${route.path}`];
        it(`${name}: has a well-formed body in the fuzz table`, () => {
          expect(Object.keys(base ?? {}).sort()).toEqual([...names].sort());
        });
        const breakers = names.flatMap((field) => POSTGRES_BREAKERS.map((value): [string, unknown, "valid", string] => [field, value, "valid", freshAddress()]));
        it.prop([fc.constantFrom(...names), fc.oneof({ arbitrary: nastyString, weight: 6 }, nastyValue), tokenChoice, remoteAddress], { ...params(), examples: breakers })(
          `${name}: a well-formed body with one field hostile`,
          async (field, value, choice, remote) => {
            const headers = await headersFor(choice, {}, "application/json");
            const body = JSON.stringify({ ...base, [field]: value });
            const res = await h.request(route.method, fill(route.path), { headers, body, remote });
            expectFamilyAnswer(id, res);
          },
        );

        it.prop([rawBody, contentType, tokenChoice, oddHeaders, remoteAddress], params())(
          `${name}: raw bodies and odd headers`,
          async (body, type, choice, odd, remote) => {
            const headers = await headersFor(choice, odd, type);
            const res = await h.request(route.method, fill(route.path), { headers, body, remote });
            expectFamilyAnswer(id, res);
          },
        );
      } else {
        // GET routes: the query string is the input.
        it.prop([fc.dictionary(fc.constantFrom("userId", "id", "input", "x"), nastyValue, { maxKeys: 3 }), tokenChoice, oddHeaders, remoteAddress], params())(
          `${name}: odd query strings and headers`,
          async (query, choice, odd, remote) => {
            const qs = Object.entries(query)
              .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === "string" ? v.replace(/[\ud800-\udfff]/g, "?") : JSON.stringify(v) ?? "")}`)
              .join("&");
            const headers = await headersFor(choice, odd, undefined);
            const res = await h.request(route.method, `${fill(route.path)}?${qs}`, { headers, remote });
            expectFamilyAnswer(id, res);
          },
        );
      }

      if (hasParam) {
        const wellFormed = WELL_FORMED[`${route.method} ${route.path}`] ?? {};
        const breakers = POSTGRES_BREAKING_PARAMS.map((param): [string, boolean, Record<string, unknown>, string] => [param, true, wellFormed, freshAddress()]);
        it.prop([pathParam, fc.boolean(), fieldsObject(names), remoteAddress], { ...params(), examples: breakers })(
          `${name}: odd path parameters`,
          async (param, slash, body, remote) => {
            const path = fill(route.path, param) + (slash ? "/" : "");
            const res = await h.request(route.method, path, {
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body),
              remote,
            });
            // A "%2e%2e" parameter walks out of the route ("/a/b/%2e%2e" is "/a"): then it is
            // no longer this family's path, and only the general rules hold.
            const stayed = new URL(`http://x${path}`).pathname.startsWith(route.path.slice(0, route.path.indexOf(":")));
            if (stayed) expectFamilyAnswer(id, res);
            else expectCleanJson(res);
          },
        );
      }
    }
  });
}
