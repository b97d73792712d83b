import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getRequestListener, RequestError } from "@hono/node-server";
import {
  callerForHeaders,
  createApiHandler,
  devOutboxAnswers,
  isSecure,
  readSessionCookie,
  requestMeta,
  sessionCookie,
  wellFormedHost,
  type DevOutboxMode,
  type PlainAnswer,
  type PlainRequest,
  type TrustProxy,
} from "@authsvc/api";
import { createAuth, sharedServiceAccount, smsWebhookTransport, smtpTransport, type Principal } from "@authsvc/core";
import { createOidcHandler } from "@authsvc/oidc";
import { openStore } from "@authsvc/db";
import { EnvError, loadEnv, type Env } from "./src/env";
import { accessLog, applyLogLevel, logger, requestContext } from "./src/logger";
import { registerBridge } from "./src/server/bridge";
import { plainTarget } from "./src/server/plain-target";
import { bodyReader, discardUnread } from "./src/server/request-body";
import { requestFactMarks } from "./src/server/request-facts";
import { apiHeaders, newNonce, pageCsp, pageHeaders, type HeaderList } from "./src/server/security-headers";

// Runs as apps/web/server.ts (tsx, dev) and as apps/web/dist/server.mjs (bundle); Next's dir is apps/web in both.
const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.basename(here) === "dist" ? path.dirname(here) : here;

const SHUTDOWN_GRACE_MS = 10_000;
/**
 * A signal sent to the whole process group (Ctrl-C in a terminal, systemd's default stop)
 * reaches the server twice under `pnpm start`: from the sender and forwarded by pnpm, a few
 * milliseconds apart. Signals this close to the first are that one stop; only a later one
 * (a second Ctrl-C) means "now".
 */
const SAME_STOP_MS = 1_000;

function readEnv(): Env {
  try {
    return loadEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    for (const problem of err.problems) console.error(`Invalid environment: ${problem}`);
    process.exit(1);
  }
}

/** A proxy's request id is kept only when the peer is a trusted proxy; otherwise each request gets a new one. */
function requestIdOf(req: IncomingMessage, trustProxy: TrustProxy): string {
  const given = req.headers["x-request-id"];
  const peer = req.socket.remoteAddress;
  if (typeof given === "string" && peer && trustProxy(peer, 0) && /^[\w.:-]{1,128}$/.test(given)) return given;
  return randomUUID();
}

/** A request as the API's fast queries and REST families read it, without building a fetch `Request`. */
function plainRequest(req: IncomingMessage, pathname: string): PlainRequest {
  return {
    method: req.method ?? "GET",
    pathname,
    hasQuery: req.url?.includes("?") ?? false,
    headers: { get: (name) => headerOf(req, name) },
    overTls: (req.socket as { encrypted?: boolean }).encrypted === true,
    info: { remoteAddress: req.socket.remoteAddress },
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function setHeaders(res: ServerResponse, headers: HeaderList): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}

/** Said at every start while codes are readable over HTTP: what is exposed, to whom, and how to stop it. */
function warnDevOutbox(mode: DevOutboxMode, host: string): void {
  if (mode === "off") return;
  const who =
    mode === "on"
      ? `ANYONE who can reach ${host} (AUTH_DEV_OUTBOX=1)`
      : "requests from this machine itself (loopback, no proxy headers; the default while no SMTP_URL or SMS_WEBHOOK_URL is set)";
  logger.warn(
    { devOutbox: mode, host },
    `DEV OUTBOX IS ON: every code, reset link and message this service sends is readable at /dev/outbox and /api/dev/outbox, ` +
      `and family 001's POST /verify-phone answers the code, to ${who}. ` +
      `Never run this way with real users: set AUTH_DEV_OUTBOX=0, or configure SMTP_URL/SMS_WEBHOOK_URL.`,
  );
}

/** The bytes the fetch adapter bridge would write for the same answer (headers, then the length); a HEAD answer's body is not sent. */
function writeAnswer(res: ServerResponse, answer: PlainAnswer): void {
  res.statusCode = answer.status;
  for (const [name, value] of answer.headers) res.appendHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(answer.body));
  res.end(answer.body);
}

/** A fetch `Response` the API made without a `Request` (see api.malformedHost), written whole. */
async function writeResponse(res: ServerResponse, answer: Response): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  res.statusCode = answer.status;
  answer.headers.forEach((value, name) => res.setHeader(name, value));
  res.setHeader("content-length", body.byteLength);
  res.end(body);
}

/** Cheaper than new URL() on every request; only absolute-form targets (proxies) need parsing. */
function pathnameOf(url = "/"): string {
  const q = url.indexOf("?");
  const target = q === -1 ? url : url.slice(0, q);
  if (target.startsWith("/")) return target;
  try {
    return new URL(target).pathname;
  } catch {
    return target;
  }
}

async function main(): Promise<void> {
  const env = readEnv();
  applyLogLevel(env.logLevel);
  const dev = process.argv.includes("--dev") || env.nodeEnv === "development";
  // React and Next pick their dev or prod builds from NODE_ENV when first loaded, so set it before importing next.
  (process.env as Record<string, string | undefined>).NODE_ENV = dev ? "development" : (env.nodeEnv ?? "production");

  const store = await openStore(env.databaseUrl, {
    poolSize: env.databasePoolSize,
    onIdleError: (err) => logger.warn({ err }, "an idle database connection failed; the next query opens another"),
  });
  // Many instances on one PostgreSQL database must sign Firebase tokens with one key: without
  // FIREBASE_SERVICE_ACCOUNT it is kept in the database. SQLite keeps its key file in the data folder.
  const firebaseServiceAccount =
    env.firebaseServiceAccount ?? (env.databaseEngine === "postgres" ? await sharedServiceAccount(store, env.authSecret) : undefined);
  const smtp = env.smtp ? smtpTransport(env.smtp) : undefined;
  const auth = createAuth({
    store,
    logger,
    transports: {
      ...(smtp ? { email: smtp } : {}),
      ...(env.smsWebhook ? { sms: smsWebhookTransport(env.smsWebhook) } : {}),
    },
    options: {
      secret: env.authSecret,
      dataDir: env.dataDir,
      publicUrl: env.publicUrl,
      webauthn: env.webauthn,
      defaultCountry: env.defaultCountry,
      smsCountries: env.smsCountries,
      smsNewNumbersPerHour: env.smsNewNumbersPerHour,
      firebaseServiceAccount,
      rateLimitScale: env.rateLimitScale,
      retention: { auditDays: env.auditRetentionDays },
      tokenAlg: env.tokenAlg,
      events: env.eventsWebhook ?? null,
    },
  });
  // The signing keys a first start lacks are made before the first request, then read every few seconds.
  const keyRefresh = await auth.keys.start();
  if (env.trustedProxies.length) logger.info({ trustedProxies: env.trustedProxies }, "X-Forwarded-For, X-Forwarded-Proto and X-Request-Id are read from these proxies only (TRUST_PROXY)");
  // The URL's origin only: a receiver's path or query may carry a token of its own.
  if (env.eventsWebhook) logger.info({ to: new URL(env.eventsWebhook.url).origin }, "events are signed and sent to this webhook (AUTH_EVENTS_WEBHOOK_URL)");
  if (env.rateLimitScale !== 1) logger.warn({ rateLimitScale: env.rateLimitScale }, "every rate limit is scaled (AUTH_RATE_LIMIT_SCALE): for load tests only");
  const api = createApiHandler(auth, { trustProxy: env.trustProxy, devOutbox: env.devOutbox });
  const worker = auth.startDeliveryWorker();
  // Expired codes, pending registrations, sessions, limit rows, old outbox and audit rows.
  const maintenance = auth.startMaintenance();
  const marks = requestFactMarks();
  const secureRequest = (req: IncomingMessage) => {
    const plain = plainRequest(req, "");
    return isSecure(plain.headers, plain.overTls, env.trustProxy, plain.info);
  };
  /** The web session (our session cookie) behind a request's headers, or null: the OpenID provider's sign-in. */
  const signedIn = async (headers: { get(name: string): string | null | undefined }, secure: boolean): Promise<Principal | null> => {
    const token = readSessionCookie(headers, secure);
    if (!token) return null;
    try {
      return auth.requireSession(await auth.authenticate(token));
    } catch {
      return null;
    }
  };
  // The OpenID Connect provider: discovery, /oidc/* (its interaction page is Next's, below).
  const oidc = createOidcHandler(auth, {
    issuer: env.publicUrl,
    signedIn: (req) => signedIn({ get: (name) => headerOf(req, name) }, secureRequest(req)),
    meta: (req) => requestMeta({ get: (name) => headerOf(req, name) }, { remoteAddress: req.socket.remoteAddress }, env.trustProxy),
    signOut(req, res) {
      const secure = secureRequest(req);
      const headers = { get: (name: string) => headerOf(req, name) };
      res.appendHeader("set-cookie", sessionCookie("", 0, secure));
      const meta = requestMeta(headers, { remoteAddress: req.socket.remoteAddress }, env.trustProxy);
      void signedIn(headers, secure)
        .then((principal) => principal && auth.logout(principal, meta))
        .catch((err: unknown) => logger.warn({ err }, "the web session could not be ended at an OpenID logout"));
    },
    onError: (err, path) => logger.error({ err, path }, "the OpenID provider failed"),
  });
  registerBridge({
    callerFor: (headers) => callerForHeaders(auth, headers, marks.read(headers)),
    devOutboxFor: (headers) => marks.read(headers).devOutbox,
    passkeysOffered: auth.options.webauthn.unavailable === null,
    oidcInteraction: async (headers, uid) => oidc.interactionView(uid, await signedIn(headers, marks.read(headers).secure)),
  });
  const apiListener = getRequestListener(
    (req, bindings) => api.fetch(req, { remoteAddress: bindings.incoming.socket.remoteAddress }),
    {
      overrideGlobalObjects: false,
      // An HTTP/1.0 request may come without Host (HTTP/1.1 ones without are refused by node:http).
      hostname: "localhost",
      errorHandler: (err) => {
        // The adapter could not read the request (a target it refuses, such as a backslash in
        // the path): the client's mistake, a 400, and nothing to log beyond the access line.
        if (err instanceof RequestError) return Response.json({ error: "Bad Request" }, { status: 400 });
        // The adapter's default answers 500 without logging; the API should never throw, so make it visible.
        logger.error({ err }, "api handler threw");
        return Response.json({ error: "internal server error" }, { status: 500 });
      },
    },
  );

  let handleNext: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async () => {};
  let closing = false;

  const serve = (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (closing) res.setHeader("connection", "close"); // keep-alive clients must not pin us open
    if (oidc.handles(req.method ?? "GET", path)) {
      setHeaders(res, apiHeaders(secureRequest(req)));
      oidc.handle(req, res, path);
      return;
    }
    if (api.handles(req.method ?? "GET", path)) {
      const plain = plainRequest(req, path);
      setHeaders(res, apiHeaders(isSecure(plain.headers, plain.overTls, env.trustProxy, plain.info)));
      // No URL can be built from this Host (the adapter would throw): 400 in the route's envelope.
      if (!wellFormedHost(req.headers.host)) {
        writeResponse(res, api.malformedHost(req.method ?? "GET", path)).catch(() => res.destroy());
        return;
      }
      // A REST family's request, or a single tRPC mutation, whole: read, answered and written here, errors included.
      const target = plainTarget(req.url ?? "/");
      const whole = target && { ...plain, search: target.search, body: bodyReader(req) };
      const rest = whole && (api.rest(whole) ?? api.mutation(whole));
      if (rest) {
        res.once("finish", () => discardUnread(req));
        rest
          .then((answer) => writeAnswer(res, answer))
          .catch((err: unknown) => {
            logger.error({ err, path }, "REST answer could not be written");
            res.destroy();
          });
        return;
      }
      const fast = api.fastQuery(plain);
      if (!fast) {
        void apiListener(req, res);
        return;
      }
      // No answer (a failure, or not the plain case after all): the adapter answers, errors included.
      fast
        .then((answer) => {
          if (!answer) void apiListener(req, res);
          else writeAnswer(res, answer);
        })
        .catch((err: unknown) => {
          logger.error({ err, path }, "fast query answer could not be written");
          res.destroy();
        });
      return;
    }
    // Pages: a fresh nonce for Next's scripts, and what Next cannot see for itself (the socket).
    const plain = plainRequest(req, path);
    const secure = isSecure(plain.headers, plain.overTls, env.trustProxy, plain.info);
    const csp = pageCsp(newNonce(), { secure, dev });
    setHeaders(res, pageHeaders(csp, secure));
    marks.mark(req.headers, { devOutbox: devOutboxAnswers(env.devOutbox, plain.headers, plain.info), secure }, csp);
    handleNext(req, res).catch((err: unknown) => {
      logger.error({ err, path }, "next request failed");
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 500;
        res.end("Internal Server Error");
      }
    });
  };

  const server = createServer((req, res) => {
    const path = pathnameOf(req.url);
    const requestId = requestIdOf(req, env.trustProxy);
    const started = performance.now();
    res.setHeader("x-request-id", requestId);
    // The path only: a query string may carry a reset token. The id is passed, not looked up:
    // "finish" fires outside the request's async context.
    res.once("finish", () =>
      accessLog.info({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request"),
    );
    requestContext.run({ requestId }, () => serve(req, res, path));
  });

  const { default: next } = await import("next");
  // httpServer lets Next attach its dev HMR websocket upgrade handler to this server.
  const app = next({ dev, dir: appDir, hostname: env.host, port: env.port, httpServer: server });
  await app.prepare();
  handleNext = app.getRequestHandler();

  server.on("error", (err) => {
    logger.error({ err }, "server error");
    process.exit(1);
  });
  server.listen(env.port, env.host, () => {
    const host = env.host.includes(":") ? `[${env.host}]` : env.host;
    console.log(`authsvc listening on http://${host}:${env.port}`);
    warnDevOutbox(env.devOutbox, `${host}:${env.port}`);
  });

  let firstSignalAt: number | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (firstSignalAt !== undefined) {
      if (performance.now() - firstSignalAt < SAME_STOP_MS) return;
      logger.warn({ signal }, "second signal, exiting without waiting");
      process.exit(1);
    }
    firstSignalAt = performance.now();
    closing = true;
    logger.info({ signal }, "shutting down: no new connections, waiting for in-flight requests");
    setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, "in-flight requests did not finish in time, exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    // Connections that finish a response after close() would otherwise sit idle until keep-alive times out.
    setInterval(() => server.closeIdleConnections(), 200).unref();
    server.close(() => {
      // The work requests left for after their answers (a reset mail) is written before the store closes.
      void Promise.all([worker.stop(), maintenance.stop(), keyRefresh.stop(), auth.afterAnswers()])
        .then(() => app.close())
        .catch((err: unknown) => logger.warn({ err }, "next did not close cleanly"))
        // After the workers stopped: nothing writes any more, so every committed row is on disk (or on the server).
        .then(() => store.close())
        .catch((err: unknown) => logger.warn({ err }, "the store did not close cleanly"))
        .finally(() => {
          smtp?.close();
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err: unknown) => {
  logger.error({ err }, "startup failed");
  process.exit(1);
});
