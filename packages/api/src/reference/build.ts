/**
 * The procedure reference, built from the router and its source so it cannot drift:
 * `pnpm --filter @authsvc/api reference` writes it (cli.ts), and reference.test.ts fails when
 * the committed files differ from what this builds.
 */
import { fileURLToPath } from "node:url";
import { appRouter } from "../root";
import { renderMarkdown } from "./markdown";
import type { ProcedureReference, RouterDoc } from "./model";
import { routerFacts } from "./procedures";
import { sourceFacts } from "./source";

export const MARKDOWN_FILE = fileURLToPath(new URL("../../../../docs/api.md", import.meta.url));
export const JSON_FILE = fileURLToPath(new URL("./procedures.generated.json", import.meta.url));

export function buildReference(): ProcedureReference {
  const source = sourceFacts();
  const routers: RouterDoc[] = [];
  for (const facts of routerFacts(appRouter)) {
    const routerName = facts.path.slice(0, facts.path.indexOf("."));
    let router = routers.at(-1);
    if (router?.name !== routerName) {
      router = { name: routerName, description: source.routerDescriptions.get(routerName) ?? "", procedures: [] };
      routers.push(router);
    }
    const output = source.outputs.get(facts.path);
    if (output === undefined) throw new Error(`${facts.path}: no output type found in inferRouterOutputs<AppRouter>`);
    router.procedures.push({ ...facts, description: source.descriptions.get(facts.path) ?? "", output });
  }
  return { routers };
}

/** Both files' contents, as the generator writes them. */
export function referenceFiles(reference = buildReference()): { markdown: string; json: string } {
  return { markdown: renderMarkdown(reference), json: `${JSON.stringify(reference, null, 2)}\n` };
}
