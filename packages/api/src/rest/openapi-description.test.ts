/**
 * What a client generated from GET /api/openapi.json relies on beyond the routes' shapes:
 * operationIds that are identifiers, an absolute server URL that no request can change, named
 * schemas, examples the routes themselves accept and answer, and request bounds that are the
 * server's own (violating one is refused; a value at a password bound is accepted).
 */
import { describe, expect, it } from "vitest";
import { restFamilies } from "./families";
import { restSetup } from "./test-helpers";

type Json = Record<string, any>;
interface Operation {
  operationId: string;
  requestBody?: { content: { "application/json": { schema: Json; example?: Json } } };
  responses: Record<string, { content?: { "application/json": { schema: Json; example?: unknown } } }>;
}

const PUBLIC_URL = "https://auth.bank.test";

async function served(host?: string) {
  const h = restSetup({ options: { publicUrl: `${PUBLIC_URL}/` } });
  const res = await h.raw("/api/openapi.json", host ? { headers: { host } } : {});
  return { h, res, doc: res.body as Json };
}

const operationsOf = (doc: Json) =>
  Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );

const resolve = (doc: Json, schema: Json): Json =>
  typeof schema.$ref === "string" ? resolve(doc, schema.$ref.slice(2).split("/").reduce((o: Json, k: string) => o[k], doc)) : schema;

describe("operationIds", () => {
  it("are camelCase identifiers, one per operation", async () => {
    const ids = operationsOf((await served()).doc).map((o) => o.op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("servers", () => {
  it("is the service's public origin, whatever Host the request names", async () => {
    for (const host of [undefined, "evil.example", "auth.bank.test:8443"]) {
      const { res, doc } = await served(host);
      expect(res.status).toBe(200);
      expect(doc.servers).toEqual([{ url: PUBLIC_URL, description: expect.any(String) }]);
    }
  });

  it("is not served at all for a malformed Host", async () => {
    const { res } = await served("evil.example/x@y");
    expect(res.status).toBe(400);
    expect(res.text).not.toContain("evil");
  });
});

describe("named schemas", () => {
  it("each family's error body is one component, and every error answer refers to it", async () => {
    const { doc } = await served();
    for (const family of restFamilies) {
      const name = family.errorSchema.meta()?.id as string;
      expect(doc.components.schemas[name], family.id).toBeDefined();
      for (const route of family.routes) {
        const op = operationsOf(doc).find((o) => o.op.operationId === route.operationId)!.op;
        for (const [status, answer] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(answer.content!["application/json"].schema, `${route.operationId} ${status}`).toEqual({ $ref: `#/components/schemas/${name}` });
        }
      }
    }
  });

  it("every reference resolves", async () => {
    const { doc } = await served();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) expect(resolve(doc, { $ref: ref }), ref).toBeDefined();
  });
});

describe("examples", () => {
  it("every request example is a body the route parses, every success example one its answer schema takes", async () => {
    const { doc } = await served();
    for (const family of restFamilies) {
      for (const route of family.routes) {
        const op = operationsOf(doc).find((o) => o.op.operationId === route.operationId)!.op;
        const success = op.responses[route.response.status]!.content!["application/json"].example;
        expect(success, route.operationId).toEqual(route.example.response);
        expect(route.response.schema.safeParse(success).error, route.operationId).toBeUndefined();
        if (route.body) {
          const request = op.requestBody!.content["application/json"].example;
          expect(request, route.operationId).toEqual(route.example.body);
          expect(route.body.safeParse(request).error, route.operationId).toBeUndefined();
        }
      }
    }
  });

  it("every 429 shows the body the route answers a hit limit with", async () => {
    const { doc } = await served();
    for (const { op } of operationsOf(doc)) {
      const example = op.responses["429"]?.content?.["application/json"].example;
      if (op.responses["429"]) expect(JSON.stringify(example), op.operationId).toMatch(/429|[Tt]oo many|Terlalu banyak/);
    }
  });
});

/** A value just outside one of a request field's documented bounds, or undefined when it states none. */
function violations(schema: Json): unknown[] {
  const string = schema.type === "string" ? schema : (schema.anyOf as Json[] | undefined)?.find((s) => s.type === "string");
  if (!string) return [];
  const out: unknown[] = [];
  if (typeof string.maxLength === "number") out.push(string.format === "email" ? `${"a".repeat(string.maxLength - 11)}@example.com` : "a".repeat(string.maxLength + 1));
  if (typeof string.minLength === "number" && string.minLength > 1) out.push("a".repeat(string.minLength - 1));
  if (string.pattern) out.push("not it!");
  if (string.format === "email") out.push("not-an-email");
  return out;
}

describe("request bounds are the server's", () => {
  it("a value just outside any documented bound of a request field is refused", async () => {
    const { h, doc } = await served();
    let n = 0;
    for (const { method, path, op } of operationsOf(doc)) {
      const media = op.requestBody?.content["application/json"];
      if (!media) continue;
      const schema = resolve(doc, media.schema);
      for (const [field, fieldSchema] of Object.entries(schema.properties as Record<string, Json>)) {
        for (const value of violations(fieldSchema)) {
          // A new address each time: this is about validation, not about limits.
          const remote = `203.0.113.${++n % 250}`;
          const res = await h.call(method, path.replace("{id}", "1"), { ...media.example, [field]: value }, { remote, token: "not-a-token" });
          expect([400, 401, 404], `${op.operationId} ${field}=${JSON.stringify(value).slice(0, 40)}: ${res.status} ${res.text}`).toContain(res.status);
        }
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  const bounds = (doc: Json, operationId: string, field: string) => {
    const op = operationsOf(doc).find((o) => o.op.operationId === operationId)!.op;
    const { minLength, maxLength } = resolve(doc, op.requestBody!.content["application/json"].schema).properties[field];
    return { minLength: minLength as number, maxLength: maxLength as number };
  };
  /** A password of `n` characters that is on no list of common ones. */
  const password = (n: number) => "Qz7-wV2k!pL9xR4m".repeat(20).slice(0, n);

  it("a password at either documented bound is accepted, one past it refused (002 register, 003 register)", async () => {
    const { h, doc } = await served();
    const cases = [
      { id: "emailPasswordRegister", field: "password", send: (pw: string, i: number) => h.call("POST", "/auth/register", { email: `s${i}@example.com`, password: pw, fullname: "Siti Nurhaliza" }, { remote: `198.51.100.${i}` }) },
      { id: "emailVerificationRegister", field: "password", send: (pw: string, i: number) => h.call("POST", "/api/v1/auth/register", { username: `user${i}`, email: `u${i}@example.com`, password: pw, fullname: "John Doe" }, { remote: `198.51.100.${i}` }) },
    ];
    let i = 0;
    for (const c of cases) {
      const { minLength, maxLength } = bounds(doc, c.id, c.field);
      expect(minLength, c.id).toBeGreaterThan(1);
      const statuses = [];
      for (const n of [minLength - 1, minLength, maxLength, maxLength + 1]) statuses.push((await c.send(password(n), ++i)).status);
      expect(statuses, `${c.id} ${minLength}..${maxLength}`).toEqual([400, 200, 200, 400]);
    }
    // The service's policy comes from the running options, not a copy.
    expect(bounds(doc, "emailVerificationRegister", "password")).toEqual(h.auth.ctx.options.password);
    expect(bounds(doc, "mpinSetupNewPassword", "newPassword")).toEqual(h.auth.ctx.options.password);
  });
});
