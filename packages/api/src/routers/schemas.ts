import { CODE_LENGTH, isCodeShape } from "@authsvc/core/vocabulary";
import { z } from "zod";

// Shapes only; the rules (policy, normalisation) live in core and answer with core errors.
export const email = z.string().trim().min(3).max(254);
export const phone = z.string().trim().min(4).max(32);
export const password = z.string().min(1).max(1024);
export const code = z.string().trim().refine(isCodeShape, `A code is ${CODE_LENGTH} digits.`).describe(`${CODE_LENGTH} digits, as sent.`);
export const username = z.string().trim().min(1).max(64);
export const identifier = z.string().trim().min(1).max(254);
export const optionalText = (max: number) => z.string().trim().max(max).optional().nullable();
export const birthDate = z.iso.date().optional().nullable();
export const locale = z.enum(["en", "id"]).optional();
/** A sign-in's second-step ticket (`id.secret`), as SECOND_FACTOR_REQUIRED gave it. */
export const ticket = z.string().trim().min(1).max(200);
/** A recovery code as typed: any case, with or without its dash. */
export const recoveryCode = z.string().trim().min(1).max(32);
/** A factor's id, as `security.factors` lists it. */
export const factorId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** base64url (WebAuthn's JSON), at most `max` characters. */
const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, "Not base64url.");
const credentialFields = {
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal("public-key"),
  // The extensions' outputs, as the browser reports them: not read here, core's library reads what it needs.
  clientExtensionResults: z.unknown().optional(),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};
/** What `navigator.credentials.create` answered, as @simplewebauthn/browser sends it; its content is the library's to check. */
export const registrationResponse = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(65536),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});
/** What `navigator.credentials.get` answered. */
export const authenticationResponse = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(1024),
    userHandle: b64url(256).optional(),
  }),
});
/** A passkey's answer to a ceremony the service started (`ceremonyId`). */
export const passkeyAssertion = z.object({ ceremonyId: z.string().min(1).max(64), response: authenticationResponse });
