/** `pnpm --filter @authsvc/api reference`: writes docs/api.md and procedures.generated.json. */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { JSON_FILE, MARKDOWN_FILE, referenceFiles } from "./build";

const { markdown, json } = referenceFiles();
writeFileSync(MARKDOWN_FILE, markdown);
writeFileSync(JSON_FILE, json);
for (const file of [MARKDOWN_FILE, JSON_FILE]) console.log(`wrote ${relative(process.cwd(), file)}`);
