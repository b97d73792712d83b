import { startAuthentication, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";

/** The browser's passkey answer to a ceremony's options, or null when the person closed its prompt (nothing to say then). */
export async function askPasskey(optionsJSON: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON | null> {
  try {
    return await startAuthentication({ optionsJSON });
  } catch (err) {
    if (err instanceof Error && err.name === "NotAllowedError") return null;
    throw err;
  }
}
