"use client";

import { useEffect, useState } from "react";
import { useMessages } from "../../../src/i18n/client";
import { fill } from "../../../src/i18n/define";
import { apiDocsMessages } from "../../../src/i18n/api-docs";
import { inlineRefs, needsBearer, operationsOf, type ApiDocument } from "./operations";

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Renders /api/openapi.json grouped by family; the document itself is the source of truth. */
export function OpenApiView() {
  const t = useMessages(apiDocsMessages);
  const [doc, setDoc] = useState<ApiDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch("/api/openapi.json")
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(setDoc, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p role="alert">{fill(t.failed, { error })}</p>;
  if (!doc) return <p aria-busy="true">{t.loading}</p>;
  const where = (place: string) => (place === "path" ? t.in_path : place === "query" ? t.in_query : place);
  return (
    <>
      {doc.tags.map((tag) => (
        <section key={tag.name} aria-labelledby={`tag-${tag.name}`}>
          <h2 id={`tag-${tag.name}`}>{tag.name}</h2>
          {operationsOf(doc, tag.name).map(({ path, method, op }) => {
            const body = op.requestBody?.content["application/json"];
            return (
              <details key={method + path} className="operation">
                <summary>
                  <code className="method">{method}</code> <code>{path}</code> — {op.summary}
                  {needsBearer(op) ? ` ${t.bearer}` : ""}
                </summary>
                {op.operationId ? (
                  <p>
                    {t.operationId}: <code>{op.operationId}</code>
                  </p>
                ) : null}
                {op.parameters?.length ? (
                  <p>
                    {t.parameters}: {op.parameters.map((p) => `${p.name} (${where(p.in)})`).join(", ")}
                  </p>
                ) : null}
                {body ? (
                  <>
                    <h3>{t.requestBody}</h3>
                    <pre>{json(inlineRefs(doc, body.schema))}</pre>
                    {body.example !== undefined ? (
                      <>
                        <h4>{t.example}</h4>
                        <pre>{json(body.example)}</pre>
                      </>
                    ) : null}
                  </>
                ) : null}
                <h3>{t.answers}</h3>
                <ul>
                  {Object.entries(op.responses).map(([status, r]) => (
                    <li key={status}>
                      <strong>{status}</strong> {r.description}
                      {r.headers && "Retry-After" in r.headers ? `, ${t.retryAfter}` : ""}
                    </li>
                  ))}
                </ul>
                {Object.entries(op.responses)
                  .filter(([s]) => s.startsWith("2"))
                  .map(([status, r]) => (
                    <div key={status}>
                      <h4>{fill(t.answerSchema, { status })}</h4>
                      <pre>{json(inlineRefs(doc, r.content?.["application/json"].schema))}</pre>
                      {r.content?.["application/json"].example !== undefined ? (
                        <>
                          <h4>{t.example}</h4>
                          <pre>{json(r.content["application/json"].example)}</pre>
                        </>
                      ) : null}
                    </div>
                  ))}
              </details>
            );
          })}
        </section>
      ))}
    </>
  );
}
