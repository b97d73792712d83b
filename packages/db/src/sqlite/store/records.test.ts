import type * as records from "@authsvc/store";
import { describe, expectTypeOf, it } from "vitest";
import type * as schema from "../schema";

// Checked by tsc (the typecheck task): the rows Drizzle reads are exactly the store's records.
describe("SQLite rows and the store's records", () => {
  it("have the same shapes", () => {
    expectTypeOf<schema.User>().toEqualTypeOf<records.User>();
    expectTypeOf<schema.Credentials>().toEqualTypeOf<records.Credentials>();
    expectTypeOf<schema.Challenge>().toEqualTypeOf<records.Challenge>();
    expectTypeOf<schema.Session>().toEqualTypeOf<records.Session>();
    expectTypeOf<schema.OpaqueToken>().toEqualTypeOf<records.OpaqueToken>();
    expectTypeOf<schema.AuditEvent>().toEqualTypeOf<records.AuditEvent>();
    expectTypeOf<schema.OutboxMessage>().toEqualTypeOf<records.OutboxMessage>();
    expectTypeOf<schema.SecondFactor>().toEqualTypeOf<records.SecondFactor>();
    expectTypeOf<schema.RecoveryCode>().toEqualTypeOf<records.RecoveryCode>();
    expectTypeOf<schema.OidcModel>().toEqualTypeOf<records.OidcModel>();
    expectTypeOf<schema.OidcClient>().toEqualTypeOf<records.OidcClient>();
  });
});
