/**
 * Test-only receivers for the real transports: an SMTP server and an SMS webhook endpoint,
 * both on 127.0.0.1 with a port picked by the system, for core's delivery tests and the web
 * app's e2e tests (apps/web/test/support/receivers.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

// ------------------------------------------------------------------ SMTP

export interface ReceivedMail {
  /** MAIL FROM of the envelope. */
  envelopeFrom: string;
  /** RCPT TO of the envelope. */
  envelopeTo: string[];
  /** The message as it came over the wire. */
  raw: string;
  /** Header names lower-cased; values unfolded and decoded (RFC 2047). */
  headers: Record<string, string>;
  subject: string;
  from: string;
  /** The text/plain part, transfer-decoded. */
  text: string;
  /** The text/html part, transfer-decoded. */
  html: string;
}

export interface SmtpReceiver {
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** Resolves with the n-th mail (1-based) once it has arrived. */
  waitForMail(count?: number, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface SmtpReceiverOptions {
  /** When set, the server offers AUTH (over plain text) and accepts only this login. */
  auth?: { user: string; pass: string };
  /** Take the message and never answer the end of DATA (a provider that hangs). */
  hang?: boolean;
}

/** A real SMTP server (smtp-server) that keeps every message it accepts. */
export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: !options.auth,
    allowInsecureAuth: Boolean(options.auth),
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    logger: false,
    closeTimeout: 200,
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        cb(null, { user: auth.username });
      } else {
        cb(new Error("Invalid username or password"));
      }
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const from = session.envelope.mailFrom;
        mails.push({
          envelopeFrom: from ? from.address : "",
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMail(raw),
        });
        for (const w of waiters.splice(0)) w();
        if (!options.hang) cb(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const auth = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    port,
    mails,
    waitForMail: (count = mails.length + 1, timeoutMs = 10_000) =>
      waitFor(
        () => mails[count - 1],
        (wake) => waiters.push(wake),
        timeoutMs,
        () => `mail #${count} (got ${mails.length})`,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `get` returns something, re-checking whenever `subscribe`'s callback fires. */
async function waitFor<T>(get: () => T | undefined, subscribe: (wake: () => void) => void, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`timed out waiting for ${what()}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.min(left, 100));
      subscribe(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

// ------------------------------------------------------------------ minimal MIME

interface Part {
  headers: Record<string, string>;
  body: string;
}

/** "=?UTF-8?Q?...?=" and "=?UTF-8?B?...?=" words of a header, decoded. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(data, "base64").toString("utf8")
        : decodeQuotedPrintable(data.replace(/_/g, " ")),
    );
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, "");
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === "=" && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, "utf8")) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function splitPart(raw: string): Part {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? "" : raw.slice(at).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const enc = (part.headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  if (enc === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable") return decodeQuotedPrintable(part.body);
  return part.body;
}

/** The leaf parts of a message, depth first. */
function leaves(part: Part): Part[] {
  const type = part.headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1);
  const out: Part[] = [];
  for (const s of sections) {
    if (s.startsWith("--")) break; // closing delimiter
    out.push(...leaves(splitPart(s.replace(/^\r?\n/, "").replace(/\r?\n$/, ""))));
  }
  return out;
}

/** Just enough MIME for nodemailer's output: headers, multipart, base64 and quoted-printable. */
export function parseMail(raw: string): Omit<ReceivedMail, "envelopeFrom" | "envelopeTo" | "raw"> {
  const top = splitPart(raw);
  const parts = leaves(top);
  const of = (type: string) => {
    const p = parts.find((x) => (x.headers["content-type"] ?? "text/plain").toLowerCase().startsWith(type));
    return p ? decodeBody(p) : "";
  };
  return { headers: top.headers, subject: top.headers.subject ?? "", from: top.headers.from ?? "", text: of("text/plain"), html: of("text/html") };
}

// ------------------------------------------------------------------ SMS webhook

export interface WebhookRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: { id?: unknown; to?: unknown; text?: unknown; purpose?: unknown } | undefined;
  /** Unix ms on the test's clock when the request arrived. */
  receivedAt: number;
}

/** How the receiver answers one request: a status (after an optional delay), or never. */
export type WebhookReply = { status: number; delayMs?: number; body?: string } | "hang";

export interface WebhookReceiver {
  url: string;
  requests: WebhookRequest[];
  /** Answers the next requests in order; once used up, `fallback` answers. */
  replies: WebhookReply[];
  fallback: WebhookReply;
  waitForRequest(count?: number, timeoutMs?: number): Promise<WebhookRequest>;
  close(): Promise<void>;
}

/** A node:http endpoint standing in for the operator's SMS gateway. */
export async function startWebhookReceiver(fallback: WebhookReply = { status: 200 }): Promise<WebhookReceiver> {
  const requests: WebhookRequest[] = [];
  const waiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const receiver: WebhookReceiver = {
    url: "",
    requests,
    replies: [],
    fallback,
    waitForRequest: (count = requests.length + 1, timeoutMs = 10_000) =>
      waitFor(
        () => requests[count - 1],
        (wake) => waiters.push(wake),
        timeoutMs,
        () => `webhook request #${count} (got ${requests.length})`,
      ),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let json: WebhookRequest["json"];
      try {
        json = JSON.parse(raw) as WebhookRequest["json"];
      } catch {
        json = undefined;
      }
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, raw, json, receivedAt: Date.now() });
      for (const w of waiters.splice(0)) w();
      const reply = receiver.replies.shift() ?? receiver.fallback;
      if (reply === "hang") return;
      const answer = () => {
        res.statusCode = reply.status;
        res.setHeader("content-type", "application/json");
        res.end(reply.body ?? JSON.stringify({ ok: reply.status < 300 }));
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, reply.delayMs);
        timers.add(t);
      } else answer();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  return receiver;
}

/**
 * What an operator's receiver does, written independently of the transport's signer:
 * recompute sha256=HMAC(secret, "<timestamp>.<raw body>") and compare in constant time.
 */
export function verifyWebhookSignature(secret: string, req: Pick<WebhookRequest, "headers" | "raw">): boolean {
  const timestamp = req.headers["x-authsvc-timestamp"];
  const signature = req.headers["x-authsvc-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string") return false;
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(`${timestamp}.${req.raw}`).digest("hex"));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The 6-digit code in a message text. */
export function codeIn(text: unknown): string {
  const m = typeof text === "string" ? /\b(\d{6})\b/.exec(text) : null;
  if (!m) throw new Error(`no 6-digit code in ${JSON.stringify(text)}`);
  return m[1]!;
}
