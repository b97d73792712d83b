import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import * as oc from "openid-client";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..", "..");

/** Registers an application with `pnpm oidc:client add`, against the run's database, as an operator would. */
export function registerApplication(name: string, redirectUri: string, postLogoutRedirectUri: string): { clientId: string; clientSecret: string } {
  const out = execFileSync(
    "pnpm",
    ["--silent", "oidc:client", "add", "--name", name, "--redirect-uri", redirectUri, "--post-logout-redirect-uri", postLogoutRedirectUri, "--json"],
    {
      cwd: repoRoot,
      encoding: "utf8",
      env: {
        ...process.env,
        DATABASE_URL: process.env.E2E_DATABASE_URL!,
        PUBLIC_URL: process.env.E2E_BASE_URL!,
        ...(process.env.E2E_AUTH_SECRET ? { AUTH_SECRET: process.env.E2E_AUTH_SECRET } : {}),
      },
    },
  );
  const registered = JSON.parse(out.trim().split("\n").pop()!) as { clientId: string; clientSecret: string };
  return registered;
}

/**
 * A relying party, as a company's app would be written with openid-client: a node server on
 * 127.0.0.1 with `/start` (to the provider), `/cb` (the code for tokens, then userinfo),
 * `/logout` (RP-initiated logout) and `/bye`. What it got is kept for the test to look at.
 */
export async function startRelyingParty(issuer: string, name: string) {
  // Discovered once the server listens (its address is the redirect URI registered first).
  const rpState: { config?: oc.Configuration } = {};
  const pending = new Map<string, { verifier: string; nonce: string }>();
  const got: { tokens?: oc.TokenEndpointResponse & oc.TokenEndpointResponseHelpers; userinfo?: oc.UserInfoResponse; error?: string } = {};
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    const html = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><title>${name}</title></head><body><main>${body}</main></body></html>`);
    };
    void (async () => {
      if (url.pathname === "/start") {
        const verifier = oc.randomPKCECodeVerifier();
        const state = oc.randomState();
        const nonce = oc.randomNonce();
        pending.set(state, { verifier, nonce });
        const target = oc.buildAuthorizationUrl(rpState.config!, {
          redirect_uri: `${base}/cb`,
          scope: "openid email phone profile offline_access",
          prompt: "consent",
          code_challenge: await oc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: "S256",
          state,
          nonce,
        });
        res.writeHead(302, { location: target.href });
        res.end();
        return;
      }
      if (url.pathname === "/cb") {
        const state = url.searchParams.get("state") ?? "";
        const kept = pending.get(state);
        pending.delete(state);
        if (!kept || url.searchParams.get("error")) {
          got.error = url.searchParams.get("error") ?? "unknown state";
          return html(400, `<h1>Not signed in</h1><p id="error">${got.error}</p>`);
        }
        got.tokens = await oc.authorizationCodeGrant(rpState.config!, url, { pkceCodeVerifier: kept.verifier, expectedState: state, expectedNonce: kept.nonce });
        got.userinfo = await oc.fetchUserInfo(rpState.config!, got.tokens.access_token, got.tokens.claims()!.sub);
        return html(200, `<h1>Signed in to ${name}</h1><p id="sub">${got.userinfo.sub}</p><p id="email">${got.userinfo.email ?? ""}</p>`);
      }
      if (url.pathname === "/logout") {
        const target = oc.buildEndSessionUrl(rpState.config!, { id_token_hint: got.tokens!.id_token!, post_logout_redirect_uri: `${base}/bye`, state: "bye-state" });
        res.writeHead(302, { location: target.href });
        res.end();
        return;
      }
      if (url.pathname === "/bye") return html(200, `<h1>Signed out of ${name}</h1><p id="state">${url.searchParams.get("state")}</p>`);
      html(404, "<h1>Not found</h1>");
    })().catch((err: unknown) => {
      got.error = err instanceof Error ? err.message : String(err);
      html(500, `<h1>Failed</h1><p id="error">${got.error}</p>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { clientId, clientSecret } = registerApplication(name, `${base}/cb`, `${base}/bye`);
  // Discovery, as any relying party starts (plain HTTP in the test only).
  const config = (rpState.config = await oc.discovery(new URL(issuer), clientId, undefined, oc.ClientSecretBasic(clientSecret), { execute: [oc.allowInsecureRequests] }));
  return {
    base,
    clientId,
    config,
    got,
    refresh: (refreshToken: string) => oc.refreshTokenGrant(config, refreshToken),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
