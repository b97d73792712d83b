/**
 * GET /api/openapi.json: OpenAPI 3.1 with the 23 documented (path, method) pairs of the
 * seeds (the list is written from the seeds in test-helpers.ts, not read from the code),
 * each with its request body schema where it has a body, and its success status.
 */
import { describe, expect, it } from "vitest";
import { restSetup, SEED_ROUTES } from "./test-helpers";

/** Documented request fields per route (seeds), and the error statuses docs/contracts.md lists. */
const DOCUMENTED: Record<string, { fields?: string[]; query?: string[]; errors: number[] }> = {
  "POST /api/v1/authentication/": { fields: ["mobile_number"], errors: [400] },
  "PATCH /api/v1/authentication/{id}/": { fields: ["mobile_number"], errors: [404, 429] },
  "PUT /api/v1/authentication/{id}/": { fields: ["mobile_number", "otp_code", "role"], errors: [400, 403] },
  "PATCH /api/v1/authorization/{id}/": { fields: ["mobile_number", "access_token"], errors: [401, 404] },
  "POST /user/sign-up": { fields: ["name", "email", "phoneNumber", "birthDate"], errors: [400, 409] },
  "POST /verify-phone": { fields: ["phoneNumber"], errors: [400] },
  "POST /login": { fields: ["phoneNumber", "verificationCode"], errors: [401] },
  "GET /3p/token": { query: ["userId"], errors: [401, 404] },
  "POST /auth/register": { fields: ["email", "password", "fullname"], errors: [400, 409] },
  "POST /auth/send-otp": { fields: ["email"], errors: [429] },
  "POST /auth/otp-verify": { fields: ["email", "otp_number"], errors: [400] },
  "POST /auth/login": { fields: ["email", "password"], errors: [401, 403] },
  "POST /auth/send-forgot-password": { fields: ["email"], errors: [] },
  "PATCH /auth/update-password": { fields: ["new_password"], errors: [400, 401] },
  "POST /api/v1/auth/login": { fields: ["email", "password"], errors: [401] },
  "POST /api/v1/auth/register": {
    fields: ["username", "email", "phone", "password", "fullname", "profile_picture", "bio", "birthday"],
    errors: [400, 409],
  },
  "GET /api/v1/auth/status": { query: ["id"], errors: [404, 410] },
  "POST /api/v1/auth/resend": { fields: ["email"], errors: [404, 429] },
  "POST /api/v1/auth/verify": { fields: ["code", "verificationId"], errors: [400] },
  "POST /v1/auth/login": { fields: ["username", "mpin"], errors: [400] },
  "POST /v1/auth/relogin": { fields: ["mpin"], errors: [400, 401] },
  "POST /v1/auth/forgot-password": { fields: ["idCustomers", "accountNumber", "mpin"], errors: [400] },
  "POST /v1/auth/setup-new-password": { fields: ["username", "newPassword", "otpCode"], errors: [400] },
};

const stripSlash = (p: string) => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);

async function fetchDoc() {
  const h = restSetup();
  const res = await h.raw("/api/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return res.body as { openapi: string; info: Record<string, unknown>; paths: Record<string, Record<string, any>>; components?: any };
}

/** The operation for a seed route; the document may spell the path with or without the trailing slash. */
function operation(doc: Awaited<ReturnType<typeof fetchDoc>>, method: string, seedPath: string) {
  const candidates = [seedPath, stripSlash(seedPath), `${stripSlash(seedPath)}/`];
  for (const p of candidates) {
    const op = doc.paths[p]?.[method.toLowerCase()];
    if (op) return op as Record<string, any>;
  }
  return undefined;
}

/** Follows a local $ref once. */
function deref(doc: any, schema: any): any {
  if (schema?.$ref && typeof schema.$ref === "string" && schema.$ref.startsWith("#/")) {
    return schema.$ref
      .slice(2)
      .split("/")
      .reduce((o: any, k: string) => o?.[k], doc);
  }
  return schema;
}

describe("GET /api/openapi.json", () => {
  it("is OpenAPI 3.1 with info and paths", async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe("string");
    expect(typeof doc.info.version).toBe("string");
    expect(typeof doc.paths).toBe("object");
  });

  it("lists all 23 documented (path, method) pairs, and no other operation", async () => {
    const doc = await fetchDoc();
    expect(SEED_ROUTES).toHaveLength(23);
    const missing = SEED_ROUTES.filter((r) => !operation(doc, r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map((m) => `${m.toUpperCase()} ${stripSlash(p)}`),
    );
    expect(listed.sort()).toEqual(SEED_ROUTES.map((r) => `${r.method} ${stripSlash(r.path)}`).sort());
  });

  it.each(SEED_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))("%s: success status, request body or query, error statuses", async (label, r) => {
    const doc = await fetchDoc();
    const op = operation(doc, r.method, r.path)!;
    expect(op, label).toBeDefined();
    const spec = DOCUMENTED[label]!;

    // success status, with a JSON schema
    expect(Object.keys(op.responses), label).toContain(String(r.success));
    expect(op.responses[String(r.success)].content?.["application/json"]?.schema, label).toBeDefined();
    for (const other of ["200", "201"].filter((s) => s !== String(r.success))) expect(op.responses[other], label).toBeUndefined();

    // every error status docs/contracts.md lists for the route
    for (const status of spec.errors) expect(Object.keys(op.responses), `${label} ${status}`).toContain(String(status));

    if (spec.fields) {
      const schema = deref(doc, op.requestBody?.content?.["application/json"]?.schema);
      expect(schema, `${label} request body schema`).toBeDefined();
      expect(schema.type, label).toBe("object");
      expect(Object.keys(schema.properties ?? {}).sort(), label).toEqual(expect.arrayContaining(spec.fields));
      expect(Array.isArray(schema.required) && schema.required.length > 0, `${label} has required fields`).toBe(true);
    } else {
      expect(op.requestBody, label).toBeUndefined();
      const names = (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name);
      expect(names, label).toEqual(expect.arrayContaining(spec.query!));
    }

    // path parameters are declared
    for (const m of r.path.matchAll(/\{(\w+)\}/g)) {
      expect((op.parameters ?? []).some((p: any) => p.in === "path" && p.name === m[1] && p.required === true), `${label} {${m[1]}}`).toBe(true);
    }
  });

  it("marks the bearer routes with a security requirement that exists", async () => {
    const doc = await fetchDoc();
    for (const [method, path] of [
      ["GET", "/3p/token"],
      ["PATCH", "/auth/update-password"],
      ["POST", "/v1/auth/relogin"],
    ] as const) {
      const op = operation(doc, method, path)!;
      expect(op.security, `${method} ${path}`).toBeDefined();
      for (const req of op.security) for (const name of Object.keys(req)) expect(doc.components?.securitySchemes?.[name]).toBeDefined();
    }
  });

  it("documents the types the documents show: 000's id a string and expired an integer, 003's user.id an integer", async () => {
    const doc = await fetchDoc();
    const created = deref(doc, operation(doc, "POST", "/api/v1/authentication/")!.responses["201"].content["application/json"].schema);
    const item = deref(doc, deref(doc, created.properties.payload).properties.data.items);
    expect(item.properties.id.type).toBe("string");
    expect(item.properties.expired.type).toBe("integer");
    const verified = deref(doc, operation(doc, "POST", "/api/v1/auth/verify")!.responses["200"].content["application/json"].schema);
    expect(deref(doc, verified.properties.user).properties.id.type).toBe("integer");
    const pending = deref(doc, operation(doc, "POST", "/api/v1/auth/register")!.responses["200"].content["application/json"].schema);
    expect(pending.properties.timeOut.type).toBe("integer");
  });
});
