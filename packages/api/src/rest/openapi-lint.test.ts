/**
 * The served OpenAPI document passes Redocly's `recommended` ruleset, plus a rule that every
 * 429 declares `Retry-After`, with no error and no warning, so client generators and doc
 * tools take it as it is; and it says, per operation, which routes need a bearer token (the
 * list is written from CONTRACTS.md, not read from code).
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";
import { restSetup } from "./test-helpers";

const BEARER_ROUTES = ["GET /3p/token", "PATCH /auth/update-password", "POST /v1/auth/relogin"];

/** A 429 has headers, and among them `Retry-After` (Redocly's configurable rules). */
const RETRY_AFTER_RULES = {
  "rule/429-has-headers": {
    subject: { type: "Response", filterInParentKeys: ["429"] },
    assertions: { required: ["headers"] },
    message: "A 429 answer must declare its Retry-After header.",
    severity: "error",
  },
  "rule/429-has-retry-after": {
    subject: { type: "HeadersMap" },
    where: [{ subject: { type: "Response", filterInParentKeys: ["429"] }, assertions: { defined: true } }],
    assertions: { required: ["Retry-After"] },
    message: "A 429 answer must declare its Retry-After header.",
    severity: "error",
  },
};

// As a deployed instance serves it: Redocly rightly warns of a localhost server URL.
const servedDocument = () => restSetup({ options: { publicUrl: "https://auth.bank.test" } }).raw("/api/openapi.json");

async function lint(source: string) {
  // The config's types do not list configurable rules' own keys.
  const config = await createConfig({ extends: ["recommended"], rules: RETRY_AFTER_RULES } as Parameters<typeof createConfig>[0]);
  const problems = await lintFromString({ source, absoluteRef: "openapi.json", config });
  return problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
}

describe("GET /api/openapi.json under Redocly's recommended rules and the Retry-After rule", () => {
  it("has no problem of any severity", async () => {
    const res = await servedDocument();
    expect(res.status).toBe(200);
    expect(await lint(res.text)).toEqual([]);
  });

  it("the Retry-After rule catches a 429 without the header, and one without headers at all", async () => {
    const doc = (await servedDocument()).body as { paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>> };
    const limited = Object.values(doc.paths)
      .flatMap((ops) => Object.values(ops))
      .filter((op) => op.responses["429"]);
    expect(limited.length).toBeGreaterThan(1);
    limited[0]!.responses["429"]!.headers = { "X-Other": { schema: { type: "string" } } };
    delete limited[1]!.responses["429"]!.headers;
    const problems = await lint(JSON.stringify(doc));
    expect(problems.filter((p) => p.includes("rule/429-has-retry-after"))).toHaveLength(1);
    expect(problems.filter((p) => p.includes("rule/429-has-headers"))).toHaveLength(1);
  });

  it("asks a bearer token of exactly the routes that take one, and declares none for the rest", async () => {
    const doc = (await servedDocument()).body as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    };
    const security = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.security]),
      ),
    );
    expect(Object.keys(security)).toEqual(expect.arrayContaining(BEARER_ROUTES));
    const expected = Object.fromEntries(
      Object.keys(security).map((label) => [label, BEARER_ROUTES.includes(label) ? [{ bearer: [] }] : []]),
    );
    expect(security).toEqual(expected);
  });
});
