import { z } from "zod";
import { fillRules, type ServiceOptions } from "./openapi-rules";

const COMPONENTS = "#/components/schemas/";

type Json = Record<string, unknown>;

/** Points zod's local `#/$defs/X` references at the document's components (in place). */
function relink(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(relink);
  if (!node || typeof node !== "object") return;
  const o = node as Json;
  if (typeof o.$ref === "string" && o.$ref.startsWith("#/$defs/")) o.$ref = COMPONENTS + o.$ref.slice("#/$defs/".length);
  Object.values(o).forEach(relink);
}

/**
 * zod schemas to the document's JSON Schema. A schema named with `.meta({ id })` is written
 * once under components.schemas and referenced wherever it is used; two different schemas
 * under one name are a mistake in the route definitions, and refused.
 */
export function schemaWriter(options: ServiceOptions) {
  const components: Record<string, Json> = {};
  const written = new Map<string, string>();

  function write(schema: z.ZodType, io: "input" | "output"): Json {
    const { $schema: _drop, $defs = {}, ...root } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json & { $defs?: Record<string, Json> };
    for (const [name, def] of Object.entries($defs)) {
      relink(def);
      fillRules(def, options);
      const text = JSON.stringify(def);
      if (written.has(name) && written.get(name) !== text) throw new Error(`Two different schemas are named ${name}`);
      written.set(name, text);
      components[name] = def;
    }
    relink(root);
    fillRules(root, options);
    return root;
  }

  return { write, components };
}
