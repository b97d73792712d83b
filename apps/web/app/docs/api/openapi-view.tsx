"use client";

import { useEffect, useState } from "react";

interface Operation {
  tags?: string[];
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: unknown } } }>;
}
interface Document {
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Renders /api/openapi.json grouped by family; the document itself is the source of truth. */
export function OpenApiView() {
  const [doc, setDoc] = useState<Document | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch("/api/openapi.json")
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(setDoc, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p role="alert">Could not load the API description: {error}</p>;
  if (!doc) return <p aria-busy="true">Loading…</p>;
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return (
    <>
      {doc.tags.map((tag) => (
        <section key={tag.name} aria-labelledby={`tag-${tag.name}`}>
          <h2 id={`tag-${tag.name}`}>{tag.name}</h2>
          {ops
            .filter((o) => o.op.tags?.includes(tag.name))
            .map(({ path, method, op }) => (
              <details key={method + path} className="operation">
                <summary>
                  <code className="method">{method}</code> <code>{path}</code> — {op.summary}
                  {op.security ? " (bearer token)" : ""}
                </summary>
                {op.parameters?.length ? (
                  <p>
                    Parameters: {op.parameters.map((p) => `${p.name} (${p.in})`).join(", ")}
                  </p>
                ) : null}
                {op.requestBody ? (
                  <>
                    <h3>Request body</h3>
                    <pre>{json(op.requestBody.content["application/json"].schema)}</pre>
                  </>
                ) : null}
                <h3>Answers</h3>
                <ul>
                  {Object.entries(op.responses).map(([status, r]) => (
                    <li key={status}>
                      <strong>{status}</strong> {r.description}
                    </li>
                  ))}
                </ul>
                {Object.entries(op.responses)
                  .filter(([s]) => s.startsWith("2"))
                  .map(([status, r]) => (
                    <pre key={status}>{json(r.content?.["application/json"].schema)}</pre>
                  ))}
              </details>
            ))}
        </section>
      ))}
    </>
  );
}
