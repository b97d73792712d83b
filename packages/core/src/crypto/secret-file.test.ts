import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadServiceAccount } from "../firebase/custom-token";
import { loadOrCreateSecret } from "./secret-file";

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

let previous: number;
beforeEach(() => {
  previous = process.umask(0o022);
});
afterEach(() => {
  process.umask(previous);
});

describe("generated secrets in the data folder", () => {
  it("the secret is 0600 and the data folder we create 0700", () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "authsvc-secret-")), "data");
    loadOrCreateSecret(dataDir);
    expect(mode(path.join(dataDir, "auth-secret"))).toBe("600");
    expect(mode(dataDir)).toBe("700");
  });

  it("the local Firebase key is 0600 in a data folder of 0700", () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "authsvc-secret-")), "data");
    loadServiceAccount({ dataDir });
    expect(mode(path.join(dataDir, "firebase-service-account.json"))).toBe("600");
    expect(mode(dataDir)).toBe("700");
  });
});
