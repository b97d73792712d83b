/**
 * An integrator's first step: generate a client from the served document. openapi-typescript
 * (types) and orval (a fetch client) must take it as it is, and their output, with a small
 * file that calls one operation with a typed body, must type-check under `strict`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { generate } from "orval";
import { afterAll, describe, expect, it } from "vitest";
import { restSetup } from "./test-helpers";

const PUBLIC_URL = "https://auth.bank.test";

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2022", "DOM"],
    types: [],
  },
  include: ["*.ts"],
};

/** Uses both outputs; the `@ts-expect-error` proves the body type is checked, not `any`. */
const USAGE = `
import type { components, paths } from "./schema";
import { emailPasswordRegister, type EmailPasswordRegisterBody } from "./client";

type RegisterBody = paths["/auth/register"]["post"]["requestBody"]["content"]["application/json"];
const body: EmailPasswordRegisterBody & RegisterBody = { email: "siti@example.com", password: "kopi-tubruk-42", fullname: "Siti Nurhaliza" };

export async function register(): Promise<string> {
  const res = await emailPasswordRegister(body);
  if (res.status === 200) return res.data.message;
  if (res.status === 429) return \`retry in \${res.headers.get("retry-after")} s: \${res.data.error}\`;
  return res.data.error;
}

export const userId: components["schemas"]["EmailVerificationUser"]["id"] = 42;

// @ts-expect-error the password is required
export const missing: EmailPasswordRegisterBody = { email: "siti@example.com", fullname: "Siti Nurhaliza" };
`;

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("a client generated from GET /api/openapi.json", () => {
  it("openapi-typescript and orval generate it, and it type-checks under strict", async () => {
    const dir = await mkdtemp(join(tmpdir(), "authsvc-openapi-client-"));
    dirs.push(dir);
    const res = await restSetup({ options: { publicUrl: PUBLIC_URL } }).raw("/api/openapi.json");
    expect(res.status).toBe(200);
    const spec = join(dir, "openapi.json");
    await writeFile(spec, res.text);

    await writeFile(join(dir, "schema.d.ts"), astToString(await openapiTS(JSON.parse(res.text))));
    await generate({
      input: { target: spec },
      output: { target: join(dir, "client.ts"), client: "fetch", mode: "single", baseUrl: { getBaseUrlFromSpecification: true } },
    });
    await writeFile(join(dir, "usage.ts"), USAGE);
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));

    // The client calls the service's absolute URL, as a Node program needs.
    expect(await readFile(join(dir, "client.ts"), "utf8")).toContain(`\`${PUBLIC_URL}/auth/register\``);

    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const run = promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir });
    await expect(run.then(() => "type-checks", (e: { stdout?: string }) => e.stdout)).resolves.toBe("type-checks");
  }, 120_000);
});
