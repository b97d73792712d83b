import type { IncomingMessage } from "node:http";
import { bodyCollector } from "@authsvc/api";

/** How long, and how much, a body left unread after its answer is read and dropped before the connection is closed. */
const DISCARD_MS = 500;
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The body of a node:http request for the API, under the API's cap (bodyCollector): a body
 * over it is read no further (discardUnread deals with the rest after the answer). A client
 * that goes away mid-body fails the read. One read per request: a second is refused.
 */
export function bodyReader(req: IncomingMessage): (limit: number) => Promise<Uint8Array> {
  let read = false;
  return (limit) =>
    new Promise((resolve, reject) => {
      if (read) throw new Error("the request body was read already");
      read = true;
      const body = bodyCollector(req.headers["content-length"], limit);
      const settle = (done: () => void) => {
        req.off("data", onData).off("end", onEnd).off("error", onGone).off("close", onGone);
        done();
      };
      const onData = (chunk: Buffer) => {
        try {
          body.add(chunk);
        } catch (err) {
          req.pause();
          settle(() => reject(err));
        }
      };
      const onEnd = () => settle(() => resolve(body.bytes()));
      const onGone = (err?: Error) => settle(() => reject(err ?? new Error("the client went away before the end of its body")));
      req.on("data", onData).once("end", onEnd).once("error", onGone).once("close", onGone);
    });
}

/**
 * After the answer: a body that was not read to its end (refused, or never needed) is read
 * and dropped, so that the connection can carry the client's next request; for a short while
 * and up to a size only, then the connection is closed, so a client that never stops sending
 * holds nothing. As the fetch adapter does for the answers it writes.
 */
export function discardUnread(req: IncomingMessage): void {
  if (req.readableEnded || req.destroyed) return;
  let dropped = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off("data", onData).off("end", stop).off("error", stop);
  };
  const close = () => {
    stop();
    req.socket.destroySoon();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped > DISCARD_MAX_BYTES) close();
  };
  const timer = setTimeout(close, DISCARD_MS);
  timer.unref();
  req.on("data", onData).once("end", stop).once("error", stop);
  req.resume();
}
