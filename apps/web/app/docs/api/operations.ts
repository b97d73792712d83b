/** What the API page reads of /api/openapi.json; the document itself is the source of truth. */

type Schema = Record<string, unknown>;

export interface Operation {
  tags?: string[];
  summary?: string;
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: { "application/json": { schema: Schema; example?: unknown } } };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: { "application/json": { schema: Schema; example?: unknown } } }>;
}

export interface ApiDocument {
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface ListedOperation {
  path: string;
  method: string;
  op: Operation;
}

/**
 * Whether the operation asks for a token (the document's only scheme is bearer). `security: []`
 * is the document saying "none", and an empty array is truthy: only a requirement that names
 * a scheme counts (`{}` would mean "optional").
 */
export const needsBearer = (op: Operation): boolean => (op.security ?? []).some((requirement) => Object.keys(requirement).length > 0);

/** The operations of one tag (one family), in the document's order. */
export function operationsOf(doc: ApiDocument, tag: string): ListedOperation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => op.tags?.includes(tag))
      .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
}

const COMPONENT = "#/components/schemas/";

/**
 * The schema with its `$ref`s to named schemas written out, for reading on the page; a name
 * met again inside itself stays a reference (the page shows its name).
 */
export function inlineRefs(doc: ApiDocument, schema: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(doc, s, seen));
  if (!schema || typeof schema !== "object") return schema;
  const ref = (schema as Schema).$ref;
  if (typeof ref === "string" && ref.startsWith(COMPONENT)) {
    const name = ref.slice(COMPONENT.length);
    const target = doc.components?.schemas?.[name];
    if (!target || seen.includes(name)) return schema;
    return { title: name, ...(inlineRefs(doc, target, [...seen, name]) as Schema) };
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlineRefs(doc, v, seen)]));
}
