/**
 * docs/api.md and procedures.generated.json are what the router says today: this builds both
 * again in memory (the TypeScript compiler reads the source, a few seconds) and compares.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReference, JSON_FILE, MARKDOWN_FILE, referenceFiles } from "./build";
import { readableJson } from "./format";
import type { ProcedureReference } from "./model";

const RUN = "run `pnpm --filter @authsvc/api reference`";

let reference: ProcedureReference;
let files: { markdown: string; json: string };

beforeAll(() => {
  reference = buildReference();
  files = referenceFiles(reference);
}, 120_000);

describe("the procedure reference", () => {
  it("docs/api.md is current", () => {
    const committed = readFileSync(MARKDOWN_FILE, "utf8");
    expect(committed === files.markdown, `docs/api.md is out of date: ${RUN}`).toBe(true);
  });

  it("procedures.generated.json (the /docs/api page's) is current", () => {
    const committed = readFileSync(JSON_FILE, "utf8");
    expect(committed === files.json, `packages/api/src/reference/procedures.generated.json is out of date: ${RUN}`).toBe(true);
  });

  it("describes every procedure (the JSDoc above it in its router)", () => {
    const undocumented = reference.routers.flatMap((r) => r.procedures.filter((p) => !p.description).map((p) => p.path));
    expect(undocumented, "procedures with no JSDoc comment").toEqual([]);
  });

  it("gives each step-up procedure's answer and STEP_UP_REQUIRED", () => {
    const removeFactor = reference.routers.find((r) => r.name === "security")?.procedures.find((p) => p.name === "removeFactor");
    expect(removeFactor).toMatchObject({ type: "mutation", access: "session", stepUp: "always", input: { optional: false } });
    expect(removeFactor?.errors.map((e) => e.code)).toContain("STEP_UP_REQUIRED");
    expect(removeFactor?.output).toContain("recoveryCodesLeft: number;");
  });
});

describe("readableJson", () => {
  it("keeps what fits on a line and opens the rest", () => {
    expect(readableJson({ a: [1, 2], b: { c: "d" } })).toBe('{ "a": [1, 2], "b": { "c": "d" } }');
    expect(readableJson({ a: "x".repeat(20), b: ["y".repeat(20)] }, 31)).toBe(`{\n  "a": "${"x".repeat(20)}",\n  "b": ["${"y".repeat(20)}"]\n}`);
    expect(readableJson([], 0)).toBe("[]");
  });
});
