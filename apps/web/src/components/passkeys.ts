import {
  startAuthentication,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";

/** The browser's passkey answer to a ceremony's options, or null when the person closed its prompt (nothing to say then). */
export async function askPasskey(optionsJSON: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON | null> {
  try {
    return await startAuthentication({ optionsJSON });
  } catch (err) {
    if (err instanceof Error && err.name === "NotAllowedError") return null;
    throw err;
  }
}

/**
 * The passkey the person picks from the username field's autofill (an input whose
 * autocomplete ends in "webauthn"), or null when the request ended without one: another
 * passkey prompt took its place (the library aborts this one), or the browser refused it.
 */
export async function passkeyFromAutofill(optionsJSON: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON | null> {
  try {
    return await startAuthentication({ optionsJSON, useBrowserAutofill: true });
  } catch (err) {
    if (err instanceof Error && (err.name === "AbortError" || err.name === "NotAllowedError")) return null;
    throw err;
  }
}
