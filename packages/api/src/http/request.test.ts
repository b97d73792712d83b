import { describe, expect, it } from "vitest";
import { BodyTooLarge, bodyCollector, readBody } from "./request";

describe("bodyCollector: the body cap for every way a body is read", () => {
  it("refuses a declared length over the limit before anything is read", () => {
    expect(() => bodyCollector("11", 10)).toThrow(BodyTooLarge);
    expect(() => bodyCollector("10", 10)).not.toThrow();
    expect(() => bodyCollector(undefined, 10)).not.toThrow();
  });

  it("refuses the chunk that goes over, whatever was declared, and joins the chunks up to the limit", () => {
    const body = bodyCollector("2", 10);
    body.add(Buffer.from("01234"));
    body.add(Buffer.from("56789"));
    expect(Buffer.from(body.bytes()).toString()).toBe("0123456789");
    expect(() => body.add(Buffer.from("x"))).toThrow(BodyTooLarge);
  });

  it("is the rule readBody applies to a fetch Request, streamed or declared", async () => {
    const streamed = new Request("http://localhost/", {
      method: "POST",
      body: new ReadableStream({
        pull: (c) => c.enqueue(new Uint8Array(6)),
      }),
      duplex: "half",
    } as RequestInit);
    await expect(readBody(streamed, 10)).rejects.toBeInstanceOf(BodyTooLarge);
    const declared = new Request("http://localhost/", { method: "POST", body: "x", headers: { "content-length": "11" } });
    await expect(readBody(declared, 10)).rejects.toBeInstanceOf(BodyTooLarge);
    expect(Buffer.from(await readBody(new Request("http://localhost/", { method: "POST", body: "0123456789" }), 10)).toString()).toBe("0123456789");
  });
});
