/**
 * A service for the fuzz tests, and signed-in tokens that survive whatever the fuzzed
 * requests do to their accounts (a fuzzed logout or password change just means a new one).
 */
import type { AuthOptionsInput } from "@authsvc/core";
import { afterAll, beforeAll, expect } from "vitest";
import { BASE, PASSWORD, setup } from "./harness";
import type { Wire } from "../testing";

export function fuzzSetup(options: Partial<AuthOptionsInput> = {}) {
  const h = setup({ options });
  let n = 0;
  const live: { user?: string; admin?: string } = {};

  async function freshAccount(kind: "user" | "admin"): Promise<string> {
    n++;
    const email = `fuzz-${kind}-${n}@example.com`;
    const pending = await h.auth.startRegistration({ email, password: PASSWORD, username: `fuzz_${kind}_${n}` });
    const code = (await h.auth.listOutbox(email))[0]!.code!;
    const s = await h.auth.completeRegistration({ verificationId: pending.verificationId, code }, { type: "jwt" });
    if (kind === "admin") await h.store.users.update(s.user.id, { role: "admin" });
    return s.token;
  }

  /** A token that works now: the last one handed out, or one of a new account. */
  async function token(kind: "user" | "admin" = "user"): Promise<string> {
    const t = live[kind];
    if (t) {
      try {
        (await h.auth.authenticate(t));
        return t;
      } catch {
        // revoked or expired by a fuzzed request: take a new account
      }
    }
    return (live[kind] = await freshAccount(kind));
  }

  /** Sends any request through the handler, from `remote`. */
  function request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Uint8Array; remote?: string } = {},
  ): Promise<Wire> {
    const hasBody = init.body !== undefined && method !== "GET" && method !== "HEAD";
    return h.send(
      // The body itself (it read `body["body"]` of the string before: every fuzzed body went out empty).
      new Request(`${BASE}${path}`, { method, headers: init.headers, body: hasBody ? (init.body as NonNullable<ConstructorParameters<typeof Request>[1]>["body"]) : undefined }),
      init.remote ?? "198.51.100.7",
    );
  }

  /** Error lines the service logged: a fuzzed request must never reach the last-resort handlers. */
  const errorLogs = () => h.logger.lines.filter((l) => l.level === "error");

  return { ...h, token, request, errorLogs };
}

export type FuzzSession = ReturnType<typeof fuzzSetup>;

/**
 * The fuzz service of a test file: made before its first test and, after its last, checked
 * for error lines (no fuzzed request may reach a last-resort error handler). Call at the top
 * of the file; the answer reaches the file's service from inside its tests.
 */
export function fuzzSessionForFile(options?: Partial<AuthOptionsInput>): Pick<FuzzSession, "token" | "request"> {
  let h: FuzzSession;
  beforeAll(() => {
    h = fuzzSetup(options);
  });
  afterAll(() => {
    expect(h.errorLogs(), "no fuzzed request reached a last-resort error handler").toEqual([]);
  });
  return {
    token: (...args) => h.token(...args),
    request: (...args) => h.request(...args),
  };
}

