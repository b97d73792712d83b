import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { bodyReader, discardUnread } from "./request-body";

const LIMIT = 1024;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server that reads each body with bodyReader and answers what came of it, then discards any rest. */
async function reading(onRead: (outcome: string, req: IncomingMessage) => void = () => {}): Promise<number> {
  server = createServer((req, res) => {
    const read = bodyReader(req);
    read(LIMIT)
      .then(
        (bytes) => `read ${bytes.byteLength}`,
        (err: Error) => `${err.constructor.name}`,
      )
      .then(async (outcome) => {
        const again = await read(LIMIT).then(
          () => "read twice",
          (err: Error) => err.message,
        );
        onRead(outcome, req);
        res.once("finish", () => discardUnread(req));
        res.end(`${outcome}; ${again}`);
      });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function post(port: number, headers: Record<string, string>, chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve(text));
    });
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" || err.code === "EPIPE" ? undefined : reject(err)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("bodyReader", () => {
  it("reads a body up to the limit, declared or chunked, once", async () => {
    const port = await reading();
    expect(await post(port, { "content-length": String(LIMIT) }, ["x".repeat(LIMIT)])).toBe(`read ${LIMIT}; the request body was read already`);
    expect(await post(port, {}, ["x".repeat(LIMIT / 2), "x".repeat(LIMIT / 2)])).toBe(`read ${LIMIT}; the request body was read already`);
    expect(await post(port, { "content-length": "0" }, [])).toBe("read 0; the request body was read already");
  });

  it("refuses a body over the limit, declared (nothing read) or chunked (read no further)", async () => {
    const port = await reading();
    expect(await post(port, { "content-length": String(LIMIT + 1) }, ["x".repeat(LIMIT + 1)])).toMatch(/^BodyTooLarge;/);
    expect(await post(port, {}, Array.from({ length: 8 }, () => "x".repeat(LIMIT / 2)))).toMatch(/^BodyTooLarge;/);
  });

  it("fails when the client goes away mid-body", async () => {
    let seen: string | undefined;
    const port = await reading((outcome) => (seen = outcome));
    const socket = connect(port, "127.0.0.1", () => {
      socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf");
      setTimeout(() => socket.destroy(), 20);
    });
    await expect.poll(() => seen).toBe("Error");
  });
});

describe("discardUnread", () => {
  it("closes the connection of a client that keeps sending after its answer", async () => {
    const port = await reading();
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        const timer = setInterval(() => socket.writable && socket.write(`400\r\n${"x".repeat(1024)}\r\n`), 5);
        let got = "";
        socket.on("data", (c: Buffer) => (got += c.toString()));
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(timer);
          resolve(got);
        });
      });
    });
    expect(closed).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*BodyTooLarge;/);
  });

  it("keeps the connection of a client whose unread body ends", async () => {
    const port = await reading();
    const answers = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        const body = "x".repeat(LIMIT + 1);
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
      });
      let got = "";
      socket.on("data", (c: Buffer) => {
        got += c.toString();
        if (got.includes("read 2;")) {
          socket.destroy();
          resolve(got);
        }
      });
    });
    expect(answers).toMatch(/BodyTooLarge;[\s\S]*read 2;/);
  });
});
