/** What the router itself says of each procedure: its kind, its metadata and its input's JSON Schema. */
import { AUTH_ERRORS, type AuthErrorCode } from "@authsvc/core";
import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { z } from "zod";
import type { ProcedureMeta } from "../trpc";
import type { JsonSchema, ProcedureDoc } from "./model";

export type RouterFacts = Omit<ProcedureDoc, "description" | "output">;

const ERROR_ORDER = Object.keys(AUTH_ERRORS) as AuthErrorCode[];

/** Each procedure of `router` in the order the routers declare them (tRPC's flat record keeps it). */
export function routerFacts(router: AnyRouter): RouterFacts[] {
  const procedures = router._def.procedures as Record<string, AnyProcedure>;
  return Object.entries(procedures).map(([path, procedure]) => factsOf(path, procedure));
}

function factsOf(path: string, procedure: AnyProcedure): RouterFacts {
  const def = procedure._def;
  const meta = (def.meta ?? {}) as Partial<ProcedureMeta>;
  if (!meta.access) throw new Error(`${path}: no access in its meta (build it on publicProcedure or protectedProcedure)`);
  if (!meta.errors) throw new Error(`${path}: no errors in its meta (an empty list says it answers only the common ones)`);
  if (def.type !== "query" && def.type !== "mutation") throw new Error(`${path}: a ${def.type} is not documented`);
  if (meta.stepUp && !meta.errors.includes("STEP_UP_REQUIRED")) throw new Error(`${path}: needs step-up but does not list STEP_UP_REQUIRED`);
  const listed = new Set(meta.errors);
  return {
    path,
    name: path.slice(path.indexOf(".") + 1),
    type: def.type,
    access: meta.access,
    stepUp: meta.stepUp === true ? "always" : (meta.stepUp ?? null),
    input: inputOf(path, def.inputs as unknown[]),
    errors: ERROR_ORDER.filter((code) => listed.has(code)).map((code) => ({ code, message: AUTH_ERRORS[code] })),
  };
}

function inputOf(path: string, inputs: unknown[]): RouterFacts["input"] {
  if (inputs.length === 0) return null;
  if (inputs.length > 1) throw new Error(`${path}: more than one .input() is not documented`);
  const schema = inputs[0];
  if (!(schema instanceof z.ZodType)) throw new Error(`${path}: its input is not a zod schema`);
  // What a client sends (io: input: defaults make a field optional); a refinement has no JSON form and adds nothing.
  const { $schema: _draft, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return { optional: schema.safeParse(undefined).success, schema: json };
}
