import { existsSync } from "node:fs";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findTestServer, postgresBinDir, setup, teardown } from "./server";
import { pgTestServerUrl } from "./databases";

// Port 1 on loopback: a privileged port nothing here listens on.
const nobody = "postgres://postgres@127.0.0.1:1/postgres";

function refusingUrl(server: string): string {
  const url = new URL(server);
  url.pathname = "/no_such_database_here";
  return url.href;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe.skipIf(!postgresBinDir())("the global setup with no server at the URL", () => {
  it("starts a throwaway server from the machine's binaries, hands it to the suites, and deletes it at teardown", async () => {
    vi.stubEnv("TEST_DATABASE_URL", nobody);
    const provide = vi.fn();
    await setup({ provide });
    const url = process.env.TEST_DATABASE_URL!;
    expect(url).not.toBe(nobody);
    expect(provide).toHaveBeenCalledWith("pgTestServerUrl", url);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    await client.end();
    expect(existsSync(rows[0]!.dir)).toBe(true);

    await teardown();
    expect(existsSync(rows[0]!.dir)).toBe(false);
    await expect(new pg.Client({ connectionString: url }).connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe.skipIf(!pgTestServerUrl())("the global setup", () => {
  it("skips, rather than starting another, when a server answers but refuses", async () => {
    const server = await findTestServer(refusingUrl(pgTestServerUrl()!));
    expect(server).toEqual({ skipped: expect.stringMatching(/answered but refused: .*no_such_database_here/) });
  });

  it("says in one line why PostgreSQL suites are skipped, and gives them no server", async () => {
    vi.stubEnv("TEST_DATABASE_URL", refusingUrl(pgTestServerUrl()!));
    vi.stubEnv("CI", "");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const provide = vi.fn();
    await setup({ provide });
    await teardown();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(/^PostgreSQL suites skipped: [^\n]+$/);
    expect(provide).toHaveBeenCalledWith("pgTestServerUrl", null);
  });

  it("fails the run instead of skipping under CI=true", async () => {
    vi.stubEnv("TEST_DATABASE_URL", refusingUrl(pgTestServerUrl()!));
    vi.stubEnv("CI", "true");
    const provide = vi.fn();
    await expect(setup({ provide })).rejects.toThrow(/cannot be skipped under CI/);
    expect(provide).not.toHaveBeenCalled();
  });

  it("hands a server that answers to the suites as it is", async () => {
    vi.stubEnv("TEST_DATABASE_URL", pgTestServerUrl()!);
    const provide = vi.fn();
    await setup({ provide });
    await teardown();
    expect(provide).toHaveBeenCalledWith("pgTestServerUrl", pgTestServerUrl());
  });
});
