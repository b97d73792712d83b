import type { Session, User } from "@authsvc/store";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { consoleLogger, createContext } from "../context";
import { embeddedTransports } from "../delivery/transport";
import { resolveOptions } from "../options";
import { signAccessToken, VERIFIED_TOKENS_KEPT, verifyAccessToken } from "./access-token";

const options = resolveOptions({ secret: "s".repeat(40) });
/** A store that keeps no signing keys: a header no key has reads the set again, and finds none. */
const noKeys = { keys: { signingKeys: async () => [] } } as never;
const ctx = { ...createContext(noKeys, options, consoleLogger, embeddedTransports), now: () => Date.UTC(2030, 0, 1) };
const user = { id: 42, role: "user" } as User;
const session = { id: "sess-abc", generation: 3 } as Session;

/** What signAccessToken produced when it used jose's SignJWT. */
async function withJose(extra: Record<string, unknown> | undefined, role?: string) {
  const iat = Math.floor(ctx.now() / 1000);
  return new SignJWT({ ...extra, sid: session.id, gen: session.generation, role: role ?? user.role })
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
    .setSubject(String(user.id))
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.accessTokenTtlSec)
    .sign(ctx.keys.accessToken);
}

describe("signAccessToken", () => {
  it.each([
    ["no extra claims", undefined, undefined],
    ["a claims profile's claims and a role", { cpr: "door", handle: "ana", held: "user" }, "customer"],
  ])("makes the same bytes jose's SignJWT made (%s)", async (_name, extra, role) => {
    const { token, expiresAt } = await signAccessToken(ctx, { user, session, role, extra });
    expect(token).toBe(await withJose(extra, role));
    expect(expiresAt).toBe(ctx.now() + options.accessTokenTtlSec * 1000);
    expect(verifyAccessToken(ctx, token)).toMatchObject({ sub: "42", sid: "sess-abc", gen: 3, role: role ?? "user", ...extra });
  });
});

describe("verifyAccessToken", () => {
  const sign = (header: object, payload: object) =>
    new SignJWT(payload as Record<string, unknown>)
      .setProtectedHeader(header as { alg: string })
      .sign(ctx.keys.accessToken);
  const claims = () => {
    const iat = Math.floor(ctx.now() / 1000);
    return { sid: session.id, gen: 3, role: "user", sub: "42", iss: options.issuer, aud: options.audience, iat, exp: iat + 60 };
  };

  it("accepts only the header it writes, even with the right key and the same algorithm", async () => {
    expect(verifyAccessToken(ctx, await sign({ alg: "HS256", typ: "at+jwt" }, claims()))).toMatchObject({ sub: "42" });
    for (const header of [{ typ: "at+jwt", alg: "HS256" }, { alg: "HS256", typ: "JWT" }, { alg: "HS256" }, { alg: "HS256", typ: "at+jwt", kid: "x" }]) {
      const token = await sign(header, claims());
      expect(() => verifyAccessToken(ctx, token), JSON.stringify(header)).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
    }
  });
});

describe("verifyAccessToken's memory of verified tokens", () => {
  const fresh = () => {
    let now = Date.UTC(2030, 0, 1);
    const c = { ...createContext(noKeys, options, consoleLogger, embeddedTransports), now: () => now };
    return { c, advance: (ms: number) => (now += ms) };
  };

  it("reads the clock on every call: a remembered token still expires", async () => {
    const { c, advance } = fresh();
    const { token } = await signAccessToken(c, { user, session });
    expect(verifyAccessToken(c, token)).toMatchObject({ sid: "sess-abc" });
    expect(c.verifiedTokens.has(token)).toBe(true);
    advance(options.accessTokenTtlSec * 1000);
    expect(() => verifyAccessToken(c, token)).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
    expect(verifyAccessToken(c, token, { allowExpired: true })).toMatchObject({ sid: "sess-abc" });
  });

  it("serves only the exact text it verified: a changed signature is refused after the real one passed", async () => {
    const { c } = fresh();
    const { token } = await signAccessToken(c, { user, session });
    verifyAccessToken(c, token);
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(() => verifyAccessToken(c, token.slice(0, -1) + last)).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
    expect(c.verifiedTokens.size).toBe(1);
  });

  it(`keeps at most ${VERIFIED_TOKENS_KEPT} tokens, forgetting the oldest, which verifies again when it returns`, async () => {
    const { c } = fresh();
    const tokens: string[] = [];
    for (let i = 0; i <= VERIFIED_TOKENS_KEPT; i++) {
      const { token } = await signAccessToken(c, { user, session: { ...session, id: `s${i}` } });
      tokens.push(token);
      verifyAccessToken(c, token);
    }
    expect(c.verifiedTokens.size).toBe(VERIFIED_TOKENS_KEPT);
    expect(c.verifiedTokens.has(tokens[0]!)).toBe(false);
    expect(verifyAccessToken(c, tokens[0]!)).toMatchObject({ sid: "s0" });
  });
});
