/**
 * The generated procedure reference, for pages that show it (`@authsvc/api/reference`):
 * data only, so importing it loads neither the router nor the TypeScript compiler.
 */
import data from "./procedures.generated.json";
import type { ProcedureReference } from "./model";

export type { JsonSchema, ProcedureDoc, ProcedureReference, RouterDoc } from "./model";

export const procedureReference = data as ProcedureReference;
export { readableJson } from "./format";
