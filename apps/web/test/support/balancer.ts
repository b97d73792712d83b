import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A round-robin load balancer for tests: each request goes to the next instance in turn, so
 * consecutive calls of one flow (send a code, read it, verify it, use the token) land on
 * different instances. It is transparent: the request's method, path and headers go on
 * unchanged (no X-Forwarded-For is added, as a TCP balancer would not), and the instance's
 * status and raw header lines come back unchanged.
 */
export interface Balancer {
  base: string;
  close(): Promise<void>;
}

// Per connection, not end to end: a proxy neither forwards nor copies them.
const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

function endToEndRaw(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!hopByHop.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

export async function startBalancer(targets: string[]): Promise<Balancer> {
  if (targets.length === 0) throw new Error("a balancer needs at least one target");
  let turn = 0;
  const server = createServer((req, res) => {
    const index = turn++ % targets.length;
    const target = new URL(targets[index]!);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: endToEnd(req.headers) },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndRaw(answer.rawHeaders));
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      // An instance that died mid-answer: the client sees a broken answer, as behind a real balancer.
      if (res.headersSent) res.destroy(error);
      else res.writeHead(502, { "content-type": "text/plain" }).end(`balancer: ${targets[index]} failed: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
