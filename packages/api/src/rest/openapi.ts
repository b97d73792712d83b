import { AuthError } from "@authsvc/core";
import { z } from "zod";
import { RETRY_AFTER_STATUSES, type RestFamily, type RestRoute } from "./framework";
import type { ServiceOptions } from "./openapi-rules";
import { schemaWriter } from "./openapi-schemas";

const oapiPath = (p: string) => p.replace(/:(\w+)/g, "{$1}");

const json = (schema: unknown, example?: unknown) => ({ "application/json": example === undefined ? { schema } : { schema, example } });

const RETRY_AFTER = {
  description: "Seconds to wait before asking again (RFC 9110 delay-seconds): sent with every 429.",
  required: true,
  schema: { type: "integer", minimum: 0 },
  example: 60,
};

/** The body a family answers a hit limit with, as a route words it: the 429's example. */
function limitExample(family: RestFamily, route: RestRoute) {
  const e = new AuthError("RATE_LIMITED");
  const { status, message } = route.mapError?.(e) ?? family.fromAuthError(e);
  return family.errorBody(status, message);
}

/**
 * OpenAPI 3.1 for every REST route, generated from the very schemas the shims parse with
 * (and the rules core applies after them, see openapi-rules.ts), so the description cannot
 * drift from what the routes accept. `options` are the running service's: its public URL and
 * the policy settings the request schemas state.
 */
export function buildOpenApi(families: RestFamily[], options: ServiceOptions) {
  const schemas = schemaWriter(options);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const family of families) {
    const errorSchema = schemas.write(family.errorSchema, "output");
    for (const route of family.routes) {
      const params: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
      if (route.query instanceof z.ZodObject) {
        for (const [name, field] of Object.entries(route.query.shape as Record<string, z.ZodType>)) {
          const schema = schemas.write(field, "input");
          params.push({ name, in: "query", required: true, description: schema.description, schema });
        }
      }
      const responses: Record<string, unknown> = {
        [route.response.status]: { description: "Success", content: json(schemas.write(route.response.schema, "output"), route.example.response) },
      };
      const malformed: Record<number, string> = route.body
        ? { 400: "missing, mistyped or malformed fields", 413: "body over 64 KiB", 415: "not application/json" }
        : {};
      const examples: Record<number, unknown> = {
        413: family.errorBody(413, family.malformed.tooLarge),
        415: family.errorBody(415, family.malformed.contentType),
        429: limitExample(family, route),
      };
      for (const [status, description] of Object.entries({ ...malformed, ...route.errors })) {
        responses[status] = {
          description,
          ...(RETRY_AFTER_STATUSES.includes(Number(status)) ? { headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } } : {}),
          content: json(errorSchema, examples[Number(status)]),
        };
      }
      const op: Record<string, unknown> = {
        tags: [family.title],
        summary: route.summary,
        operationId: route.operationId,
        parameters: params.length ? params : undefined,
        responses,
        // Explicit either way: a route without a bearer token takes none (the renewal route's
        // token travels in its body), rather than inheriting a document-wide default.
        security: route.bearer ? [{ bearer: [] }] : [],
      };
      if (route.body) op.requestBody = { required: true, content: json(schemas.write(route.body, "input"), route.example.body) };
      (paths[oapiPath(route.path)] ??= {})[route.method.toLowerCase()] = op;
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "authsvc REST routes",
      version: "1.0.0",
      description:
        "The routes of the five documented login systems, answered by one service. Every answer is JSON in its family's envelope; a hit limit answers 429 with Retry-After (seconds).",
      // No open-source licence: the service is private. LicenseRef- is SPDX's form for a licence off its list.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    // Absolute, so that a client generated from the document works outside a browser; the
    // configured public URL rather than the request's Host, which a client controls and a
    // shared cache would keep (the document is cacheable).
    servers: [{ url: new URL(options.publicUrl).origin, description: "This service (its public URL)" }],
    tags: families.map((f) => ({
      name: f.title,
      description: `One of the documented login systems. Every answer of its routes, errors included, is JSON in its own envelope, as is the answer to an unknown path under ${f.prefixes.map((p) => `\`${p}\``).join(" or ")}.`,
    })),
    components: {
      schemas: schemas.components,
      headers: { RetryAfter: RETRY_AFTER },
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    paths,
  };
}
