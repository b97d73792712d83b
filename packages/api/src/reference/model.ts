/**
 * The procedure reference's shape: what the generator (build.ts) writes to
 * procedures.generated.json and docs/api.md, and what the web app's /docs/api page reads.
 */
import type { AuthErrorCode } from "@authsvc/core";
import type { ProcedureMeta } from "../trpc";

/** A JSON Schema (draft 2020-12), as zod 4's `z.toJSONSchema` writes it. */
export type JsonSchema = { [key: string]: unknown };

export interface ProcedureDoc {
  /** What a client calls: `router.procedure`. */
  path: string;
  name: string;
  type: "query" | "mutation";
  access: ProcedureMeta["access"];
  /** `always`, or `conditional` (the description says when); null when it needs none. */
  stepUp: "always" | "conditional" | null;
  /** The procedure's JSDoc in its router's source; empty when it has none. */
  description: string;
  /** Null when it takes no input; `optional` when the whole input may be left out. */
  input: { optional: boolean; schema: JsonSchema } | null;
  /** The TypeScript type of its answer (`inferRouterOutputs<AppRouter>`), printed. */
  output: string;
  /** The core codes it can answer beyond the common ones, each with its default message (AUTH_ERRORS). */
  errors: { code: AuthErrorCode; message: string }[];
}

export interface RouterDoc {
  name: string;
  /** The JSDoc above the router's object in its source, if any. */
  description: string;
  procedures: ProcedureDoc[];
}

export interface ProcedureReference {
  routers: RouterDoc[];
}
