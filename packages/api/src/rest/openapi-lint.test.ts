/**
 * The served OpenAPI document passes Redocly's `recommended` ruleset with no error and no
 * warning, so client generators and doc tools take it as it is; and it says, per operation,
 * which routes need a bearer token (the list is written from CONTRACTS.md, not read from code).
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";
import { restSetup } from "./test-helpers";

const BEARER_ROUTES = ["GET /3p/token", "PATCH /auth/update-password", "POST /v1/auth/relogin"];

async function servedDocument() {
  const res = await restSetup().raw("/api/openapi.json");
  expect(res.status).toBe(200);
  return res;
}

describe("GET /api/openapi.json under Redocly's recommended rules", () => {
  it("has no problem of any severity", async () => {
    const res = await servedDocument();
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: res.text, absoluteRef: "openapi.json", config });
    const readable = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
    expect(readable).toEqual([]);
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
