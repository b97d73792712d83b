import { describeStoreConformance } from "@authsvc/store/conformance";
import { openDatabase } from "../client";
import { createSqliteStore } from "./index";

// `:memory:` is a new, empty database per connection: one per test, migrated by openDatabase.
describeStoreConformance({
  name: "SQLite",
  open: async () => createSqliteStore(openDatabase(":memory:")),
});
