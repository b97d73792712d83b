/**
 * Shared helpers for the typed API's tests: a fresh in-memory service per test, reached
 * either in-process (createCaller) or over the fetch handler with plain JSON on the wire.
 */
import type { AuthOptionsInput, OutboxView } from "@authsvc/core";
import { createTestAuth } from "@authsvc/core/testing";
import { TRPCError } from "@trpc/server";
import { afterEach, expect, vi } from "vitest";
import { createApiContext, createApiHandler, createCaller, trustNobody, type ApiHandlerOptions } from "../index";
import { expectNoLeak, toWire, type Wire } from "../testing";

export { expectNoLeak, type Wire };

export type Auth = ReturnType<typeof createTestAuth>["auth"];

export const META = { ip: "203.0.113.5", userAgent: "vitest" } as const;
export const REMOTE = "127.0.0.1";
export const BASE = "http://localhost";

export const PASSWORD = "correct horse battery staple";
export const NEW_PASSWORD = "another long passphrase 42";


export interface CallInit {
  /** A bearer token for the Authorization header. */
  token?: string;
  /** A session cookie value (sent as `authsvc_session=<value>`). */
  cookie?: string;
  headers?: Record<string, string>;
  /** Defaults to http://localhost. */
  base?: string;
  remoteAddress?: string;
}

export interface SetupOptions {
  options?: Partial<AuthOptionsInput>;
  handler?: Partial<ApiHandlerOptions>;
  /** The codes the service issues (core's test hook), e.g. one with a leading zero. */
  newCode?: () => string;
}

export function setup(opts: SetupOptions = {}) {
  const { auth, logger, store, sql } = createTestAuth(opts.options, { newCode: opts.newCode });
  const handler = createApiHandler(auth, { trustProxy: trustNobody, devOutbox: "on", ...opts.handler });

  async function send(req: Request, remoteAddress = REMOTE): Promise<Wire> {
    return toWire(await handler.fetch(req, { remoteAddress }));
  }

  function headersOf(init: CallInit, extra: Record<string, string> = {}): Record<string, string> {
    return {
      "user-agent": "vitest",
      ...extra,
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.cookie ? { cookie: `authsvc_session=${init.cookie}` } : {}),
      ...init.headers,
    };
  }

  /** A tRPC mutation: POST /api/trpc/<name> with the input as the JSON body. */
  const mutate = (name: string, input?: unknown, init: CallInit = {}) =>
    send(
      new Request(`${init.base ?? BASE}/api/trpc/${name}`, {
        method: "POST",
        headers: headersOf(init, { "content-type": "application/json" }),
        // A mutation without input still needs a JSON body for tRPC: send `{}`.
        body: JSON.stringify(input === undefined ? {} : input),
      }),
      init.remoteAddress,
    );

  /** A tRPC query: GET /api/trpc/<name>?input=<url-encoded JSON>. */
  const query = (name: string, input?: unknown, init: CallInit = {}) =>
    send(
      new Request(
        `${init.base ?? BASE}/api/trpc/${name}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
        { method: "GET", headers: headersOf(init) },
      ),
      init.remoteAddress,
    );

  /** Any raw request through the handler. */
  const raw = (path: string, init: RequestInit = {}, remoteAddress?: string) =>
    send(new Request(`${BASE}${path}`, init), remoteAddress);

  /** The dev outbox over HTTP, newest first. */
  async function outbox(to: string): Promise<OutboxView[]> {
    const res = await raw(`/api/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    return res.body.messages as OutboxView[];
  }

  /** The newest code sent to `to`. */
  async function lastCode(to: string, purpose?: string): Promise<string> {
    const messages = (await outbox(to)).filter((m) => !purpose || m.purpose === purpose);
    const code = messages[0]?.code;
    expect(code, `a code in the outbox for ${to}`).toMatch(/^\d{6}$/);
    return code!;
  }

  /** An in-process caller, signed in with `token` (as a header) or not. */
  const caller = (token?: string | null, meta: { ip?: string; userAgent?: string } = META) =>
    createCaller(createApiContext({ auth, meta, credential: token ? { token, from: "header" } : null }));

  /** Registers over HTTP and verifies with the emailed code; returns the signed-in body. */
  async function registerAndVerify(input: { email: string; password?: string; username?: string; phone?: string }) {
    const reg = await mutate("auth.register", { password: PASSWORD, ...input });
    expect(reg.status, reg.text).toBe(200);
    const code = await lastCode(input.email, "signup");
    const ver = await mutate("auth.verifyRegistration", { verificationId: reg.body.result.data.verificationId, code });
    expect(ver.status, ver.text).toBe(200);
    return ver.body.result.data as SignedInBody;
  }

  /** A user signed in by a phone code (find-or-create); in-process. */
  async function phoneSignIn(phone: string) {
    const c = caller();
    const sent = await c.auth.requestPhoneCode({ phone });
    const code = (await auth.listOutbox(sent.phone))[0]!.code!;
    return c.auth.loginWithPhoneCode({ phone, code });
  }

  /** Rows of audit_events, oldest first. */
  const auditRows = async () =>
    (await sql.all("select * from audit_events order by id")) as {
      id: number;
      kind: string;
      outcome: string;
      user_id: number | null;
      ip: string | null;
      user_agent: string | null;
      detail: Record<string, unknown> | null;
    }[];

  return { auth, store, sql, logger, handler, send, mutate, query, raw, outbox, lastCode, caller, registerAndVerify, phoneSignIn, auditRows };
}

export type Harness = ReturnType<typeof setup>;


export interface SignedInBody {
  accessToken: string | null;
  tokenType: "Bearer" | "cookie";
  expiresAt: number;
  expiresIn: number;
  sessionId: string;
  user: Record<string, unknown> & { id: number; email: string | null; username: string | null };
}

/** Awaits a rejected call and checks the TRPCError code and the core AuthError code under it. */
export async function expectTrpcError(p: Promise<unknown>, code: string, authCode?: string): Promise<TRPCError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, "the call should have failed").toBeInstanceOf(TRPCError);
  const err = caught as TRPCError;
  expect(err.code).toBe(code);
  if (authCode) expect((err.cause as { code?: string } | undefined)?.code).toBe(authCode);
  return err;
}

/** The token of the reset link in the newest password_reset email of `messages` (an outbox, newest first). */
export function resetLinkTokenIn(messages: OutboxView[]): string {
  const mail = messages.find((m) => m.purpose === "password_reset");
  expect(mail, "a password_reset email").toBeDefined();
  const m = /\/reset-password\?token=([^\s"'<>]+)/.exec(mail!.text);
  expect(m, mail!.text).not.toBeNull();
  return decodeURIComponent(m![1]!);
}

/** Checks a tRPC error envelope on the wire. */
export function expectWireError(res: Wire, httpStatus: number, authCode?: string) {
  expect(res.status, res.text).toBe(httpStatus);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  expect(res.body?.error?.data?.httpStatus).toBe(httpStatus);
  if (authCode) expect(res.body.error.data.authCode).toBe(authCode);
  expectNoLeak(res);
  return res.body.error as { message: string; code: number; data: Record<string, unknown> & { code: string; authCode?: string } };
}


/** The session cookie's Set-Cookie lines of a response (either name). */
export const setCookies = (res: Pick<Wire, "headers">): string[] => res.headers.getSetCookie().filter((l) => /^(?:__Host-)?authsvc_session=/.test(l));

/** The known-device cookie's Set-Cookie lines of a response (either name). */
export const deviceCookies = (res: Pick<Wire, "headers">): string[] => res.headers.getSetCookie().filter((l) => /^(?:__Host-)?authsvc_device=/.test(l));

/** The session cookie's value from a Set-Cookie line (either name). */
export function cookieValue(line: string): string {
  const m = /^(?:__Host-)?authsvc_session=([^;]*)/.exec(line);
  expect(m, line).not.toBeNull();
  return decodeURIComponent(m![1]!);
}

export const MINUTE = 60_000;

/** Fakes only Date, frozen at the real now: timers and I/O keep running. */
export function fakeDate() {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date());
}

/** Moves the faked Date (fakeDate) by `ms`. */
export function advance(ms: number) {
  vi.setSystemTime(new Date(Date.now() + ms));
}

/** Gives the real timers back after each test of the file (undoes a test's fakeDate). Call at the top of the file. */
export function realTimersAfterEach() {
  afterEach(() => {
    vi.useRealTimers();
  });
}
