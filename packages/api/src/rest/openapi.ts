import { z } from "zod";
import type { RestFamily } from "./framework";

const schemaOf = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

const oapiPath = (p: string) => p.replace(/:(\w+)/g, "{$1}");

/**
 * OpenAPI 3.1 for every REST route, generated from the very schemas the shims parse with,
 * so the description cannot drift from what the routes accept.
 */
export function buildOpenApi(families: RestFamily[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const family of families) {
    const errorSchema = schemaOf(family.errorSchema, "output");
    for (const route of family.routes) {
      const params: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
        name: m[1],
        in: "path",
        required: true,
        schema: { type: "string" },
      }));
      if (route.query instanceof z.ZodObject) {
        for (const name of Object.keys(route.query.shape)) params.push({ name, in: "query", required: true, schema: { type: "string" } });
      }
      const responses: Record<string, unknown> = {
        [route.response.status]: {
          description: "Success",
          content: { "application/json": { schema: schemaOf(route.response.schema, "output") } },
        },
      };
      const malformed: Record<number, string> = route.body
        ? { 400: "missing, mistyped or malformed fields", 413: "body over 64 KiB", 415: "not application/json" }
        : {};
      const errors: Record<number, string> = { ...malformed, ...route.errors };
      for (const [status, description] of Object.entries(errors)) {
        responses[status] = { description, content: { "application/json": { schema: errorSchema } } };
      }
      const op: Record<string, unknown> = {
        tags: [family.title],
        summary: route.summary,
        operationId: `${family.id}_${route.method.toLowerCase()}_${route.path.replace(/[^a-zA-Z0-9]+/g, "_").replace(/^_|_$/g, "")}`,
        parameters: params.length ? params : undefined,
        responses,
        // Explicit either way: a route without a bearer token takes none (the renewal route's
        // token travels in its body), rather than inheriting a document-wide default.
        security: route.bearer ? [{ bearer: [] }] : [],
      };
      if (route.body) {
        op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(route.body, "input") } } };
      }
      (paths[oapiPath(route.path)] ??= {})[route.method.toLowerCase()] = op;
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "authsvc REST routes",
      version: "1.0.0",
      description:
        "The routes of the five documented login systems, answered by one service. Every answer is JSON in its family's envelope; limits answer 429 with Retry-After.",
      // No open-source licence: the service is private. LicenseRef- is SPDX's form for a licence off its list.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    // The document is served by the instance it describes, so its routes are relative to it.
    servers: [{ url: "/", description: "The service that serves this document" }],
    tags: families.map((f) => ({
      name: f.title,
      description: `One of the documented login systems. Every answer of its routes, errors included, is JSON in its own envelope, as is the answer to an unknown path under ${f.prefixes.map((p) => `\`${p}\``).join(" or ")}.`,
    })),
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
