import { describe, expect, it } from "vitest";
import { inlineRefs, needsBearer, operationsOf, type ApiDocument } from "./operations";

const answer = { "200": { description: "Success" } };

const doc: ApiDocument = {
  tags: [{ name: "A" }, { name: "B" }],
  paths: {
    "/open": { post: { tags: ["A"], security: [], responses: answer }, put: { tags: ["B"], security: [{}], responses: answer } },
    "/token": { get: { tags: ["A"], security: [{ bearer: [] }], responses: answer }, patch: { tags: ["B"], responses: answer } },
  },
  components: {
    schemas: {
      User: { type: "object", properties: { id: { type: "integer" }, friend: { $ref: "#/components/schemas/User" } } },
      Answer: { type: "object", properties: { user: { $ref: "#/components/schemas/User" } } },
    },
  },
};

describe("the API page's reading of the document", () => {
  it("marks a bearer token only where security names a scheme: an empty list, none, or `{}` asks for nothing", () => {
    expect(needsBearer(doc.paths["/open"]!.post!)).toBe(false);
    expect(needsBearer(doc.paths["/open"]!.put!)).toBe(false);
    expect(needsBearer(doc.paths["/token"]!.patch!)).toBe(false);
    expect(needsBearer(doc.paths["/token"]!.get!)).toBe(true);
  });

  it("lists a tag's operations in the document's order", () => {
    expect(operationsOf(doc, "A").map((o) => `${o.method} ${o.path}`)).toEqual(["POST /open", "GET /token"]);
    expect(operationsOf(doc, "B").map((o) => `${o.method} ${o.path}`)).toEqual(["PUT /open", "PATCH /token"]);
  });

  it("writes named schemas out, naming them, and leaves a schema met inside itself as its reference", () => {
    expect(inlineRefs(doc, { $ref: "#/components/schemas/Answer" })).toEqual({
      title: "Answer",
      type: "object",
      properties: {
        user: {
          title: "User",
          type: "object",
          properties: { id: { type: "integer" }, friend: { $ref: "#/components/schemas/User" } },
        },
      },
    });
  });
});
