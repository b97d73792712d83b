import type { Metadata } from "next";
import { OpenApiView } from "./openapi-view";
import { ProcedureReference } from "./procedure-reference";

export const metadata: Metadata = { title: "REST API · authsvc" };

export default function ApiDocsPage() {
  return (
    <div className="docs">
      <h1>REST API</h1>
      <p>
        The documented routes of the five login systems this service replaces, each answering in its own envelope. The
        machine-readable description is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1); new clients
        should prefer the typed API at <code>/api/trpc</code>.
      </p>
      <OpenApiView />
      <ProcedureReference />
    </div>
  );
}
