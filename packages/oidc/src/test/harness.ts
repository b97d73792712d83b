import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Principal } from "@authsvc/core";
import { createTestAuth } from "@authsvc/core/testing";
import * as oc from "openid-client";
import { afterEach } from "vitest";
import { createOidcHandler } from "../handler";

export const REDIRECT = "https://shop.example/cb";
export const AFTER_LOGOUT = "https://shop.example/bye";

const sessionCookie = (req: IncomingMessage) => /(?:^|;\s*)authsvc_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/**
 * The provider's handler on a node server of its own (127.0.0.1, a free port) over a test
 * Auth; the web session is the `authsvc_session` cookie holding any token core accepts, as on
 * the real server (plain HTTP, so the cookie's plain name).
 */
export async function startProvider(options: Parameters<typeof createTestAuth>[0] = {}, publicUrl?: string) {
  const t = createTestAuth(options);
  const keyRefresh = await t.auth.keys.start();
  const mounted: { handler?: ReturnType<typeof createOidcHandler> } = {};
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    // The key set is the API's to publish (packages/api's handler does the same).
    if (path === "/.well-known/jwks.json") {
      t.auth.keys.jwks().then(
        (set) => {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(set));
        },
        (err: unknown) => {
          errors.push(err);
          res.statusCode = 500;
          res.end();
        },
      );
      return;
    }
    if (mounted.handler!.handles(req.method ?? "GET", path)) mounted.handler!.handle(req, res, path);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The issuer is the public URL; the server is reached at its own address (as behind a proxy).
  const issuer = publicUrl ?? address;
  const errors: unknown[] = [];
  const signingOut: Promise<unknown>[] = [];
  const handler = (mounted.handler = createOidcHandler(t.auth, {
    issuer,
    meta: (req) => ({ ip: req.socket.remoteAddress, userAgent: req.headers["user-agent"] }),
    async signedIn(req): Promise<Principal | null> {
      const token = sessionCookie(req);
      if (!token) return null;
      try {
        return await t.auth.authenticate(decodeURIComponent(token));
      } catch {
        return null;
      }
    },
    onError: (err) => errors.push(err),
    signOut(req, res) {
      res.appendHeader("set-cookie", "authsvc_session=; Max-Age=0; Path=/; HttpOnly");
      const token = sessionCookie(req);
      // Not awaited by the answer, as on the server: kept, so the test's end waits for it before its store closes.
      if (token) {
        signingOut.push(
          t.auth
            .authenticate(decodeURIComponent(token))
            .then((p) => t.auth.logout(p))
            .catch((err: unknown) => errors.push(err)),
        );
      }
    },
  }));
  closers.push(async () => {
    await Promise.all(signingOut);
    await keyRefresh.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { ...t, issuer, address, handler, errors };
}

export type Started = Awaited<ReturnType<typeof startProvider>>;

/** A browser's cookies, enough for these flows: by name, paths ignored. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly issuer: string,
    sessionToken?: string,
  ) {
    if (sessionToken) this.cookies.set("authsvc_session", encodeURIComponent(sessionToken));
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(new URL(url, this.issuer), { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows the provider's redirects until one leaves it (the application's callback) or a page of ours. */
  async follow(url: string): Promise<string> {
    let next = url;
    for (let i = 0; i < 10; i++) {
      const at = new URL(next, this.issuer);
      if (at.origin !== this.issuer || at.pathname.startsWith("/oidc/interaction/") || at.pathname === "/login") return at.href;
      const res = await this.request(at.href);
      const location = res.headers.get("location");
      if (!location) throw new Error(`no redirect from ${at.pathname}: ${res.status} ${await res.text()}`);
      next = location;
    }
    throw new Error("too many redirects");
  }

  /** Presses an interaction page's button, then follows where it leads. */
  async press(interactionUrl: string, action: "login" | "confirm" | "abort", headers: Record<string, string> = {}): Promise<string> {
    const res = await this.request(`${new URL(interactionUrl).pathname}/${action}`, { method: "POST", headers });
    const location = res.status === 303 ? res.headers.get("location") : /http-equiv="refresh" content="0;url=([^"]+)"/.exec(await res.text())?.[1]?.replaceAll("&#38;", "&");
    if (!location) throw new Error(`${action}: ${res.status}`);
    return this.follow(location);
  }
}

/** An application registered with the provider, as openid-client sees it after discovery. */
export async function application(s: Started, kind: "confidential" | "public" = "confidential") {
  const { client, secret } = await s.auth.oidc.registerClient(
    { name: "Shop", redirectUris: [REDIRECT], postLogoutRedirectUris: [AFTER_LOGOUT], public: kind === "public" },
    { via: "cli" },
  );
  const config = await oc.discovery(
    new URL(s.issuer),
    client.id,
    undefined,
    secret ? oc.ClientSecretBasic(secret) : oc.None(),
    { execute: [oc.allowInsecureRequests] },
  );
  return { client, secret, config };
}

/** The start of a code flow: the authorization URL and what the application keeps to finish it. */
export async function authorization(config: oc.Configuration, params: Record<string, string> = {}) {
  const verifier = oc.randomPKCECodeVerifier();
  const state = oc.randomState();
  const nonce = oc.randomNonce();
  const url = oc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid email phone profile offline_access",
    prompt: "consent",
    code_challenge: await oc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...params,
  });
  return { url: url.href, verifier, state, nonce };
}

/** Signs in (as the browser's session) and consents: the callback URL the application gets. */
export async function signInAndConsent(browser: Browser, url: string): Promise<string> {
  const loginPage = await browser.follow(url);
  if (!loginPage.includes("/oidc/interaction/")) throw new Error(`expected the interaction page, got ${loginPage}`);
  const consentPage = await browser.press(loginPage, "login");
  if (!consentPage.includes("/oidc/interaction/")) throw new Error(`expected the consent page, got ${consentPage}`);
  return browser.press(consentPage, "confirm");
}
