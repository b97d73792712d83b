/** JSON on one line with a space after each comma and colon: `{ "type": "string", "minLength": 1 }`. */
function oneLine(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(oneLine).join(", ")}]`;
  const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`);
  return entries.length ? `{ ${entries.join(", ")} }` : "{}";
}

/**
 * JSON as a person reads it: what fits on its line (`width` columns) stays on one, the rest
 * opens up, two spaces a level. `column`: where on its line the value starts.
 */
export function readableJson(value: unknown, width = 80, indent = "", column = indent.length): string {
  const flat = oneLine(value);
  if (value === null || typeof value !== "object" || Object.keys(value).length === 0 || column + flat.length <= width) return flat;
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => `${inner}${readableJson(v, width, inner)}`)
    : Object.entries(value).map(([k, v]) => {
        const key = `${inner}${JSON.stringify(k)}: `;
        return `${key}${readableJson(v, width, inner, key.length)}`;
      });
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${items.join(",\n")}\n${indent}${close}`;
}
