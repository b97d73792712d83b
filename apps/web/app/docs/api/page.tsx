import type { Metadata } from "next";
import { apiDocsMessages } from "../../../src/i18n/api-docs";
import { serverLocale } from "../../../src/i18n/server";
import { OpenApiView } from "./openapi-view";
import { ProcedureReference } from "./procedure-reference";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${apiDocsMessages[await serverLocale()].title} · authsvc` };
}

export default async function ApiDocsPage() {
  const t = apiDocsMessages[await serverLocale()];
  return (
    <div className="docs">
      <h1>{t.title}</h1>
      <p>
        {t.introBefore} <a href="/api/openapi.json">/api/openapi.json</a> {t.introMiddle} <code>/api/trpc</code>
        {t.introAfter}
      </p>
      <p>{t.documentLanguage}</p>
      <OpenApiView />
      <ProcedureReference />
    </div>
  );
}
