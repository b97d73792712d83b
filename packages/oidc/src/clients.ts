import type { Auth } from "@authsvc/core";
import type { AdapterPayload, ClientMetadata, Provider } from "oidc-provider";

export interface ClientStore {
  metadata(id: string): Promise<AdapterPayload | undefined>;
}

/**
 * The registered applications as oidc-provider's client metadata. A confidential client's
 * `client_secret` here is the keyed hash we keep, never the secret (which we do not have):
 * `keepSecretsHashed` makes the provider compare a presented secret by its hash, and the
 * provider uses the secret for nothing else (client_secret_jwt and HS256 are not enabled).
 */
export function clientStore(auth: Auth): ClientStore {
  return {
    async metadata(id) {
      const client = await auth.oidc.liveClient(id);
      if (!client) return undefined;
      const confidential = client.kind === "confidential" && client.secretHash !== null;
      const metadata: ClientMetadata = {
        client_id: client.id,
        client_name: client.name,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: confidential ? "client_secret_basic" : "none",
        ...(confidential ? { client_secret: client.secretHash! } : {}),
        ...(confidential ? {} : { application_type: client.redirectUris.every((u) => /^https?:/.test(u)) ? "web" : "native" }),
      };
      return metadata as AdapterPayload;
    },
  };
}

/**
 * The provider compares `client_secret` with what the client presents; ours is the hash, so
 * the presented secret is hashed first (constant time, in core). The raw secret works; the
 * stored hash, presented as if it were the secret, does not.
 */
export function keepSecretsHashed(provider: Provider, auth: Auth): void {
  const prototype = provider.Client.prototype as unknown as { compareClientSecret(this: { clientSecret?: string }, actual: string): Promise<boolean> };
  prototype.compareClientSecret = async function compareClientSecret(actual) {
    return auth.oidc.clientSecretMatches(actual, this.clientSecret ?? null);
  };
}
