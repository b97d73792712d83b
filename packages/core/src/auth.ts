import type { Store } from "@authsvc/store";
import { consoleLogger, createContext, type AuthContext, type Logger } from "./context";
import { embeddedTransports, type Transports } from "./delivery/transport";
import { startDeliveryWorker } from "./delivery/deliver";
import { listOutbox } from "./delivery/outbox";
import { eventWebhookTransport } from "./events/webhook";
import { settled } from "./later";
import { purgeExpired, startMaintenance, type PurgeOptions } from "./maintenance/purge";
import { createFirebaseSigner } from "./firebase/custom-token";
import * as admin from "./admin/admin";
import * as oidcClients from "./oidc/clients";
import { oidcAccountClaims } from "./oidc/claims";
import { oidcModels } from "./oidc/models";
import { deriveKey } from "./crypto/secrets";
import * as accounts from "./flows/accounts";
import { firebaseToken } from "./flows/firebase-token";
import * as passwordLogin from "./flows/password-login";
import * as passwordReset from "./flows/password-reset";
import * as phoneLogin from "./flows/phone-login";
import * as pin from "./flows/pin";
import * as registration from "./flows/registration";
import * as sessionFlows from "./flows/session-flows";
import { signInSecondStep } from "./flows/second-step";
import * as factors from "./factors/manage";
import { stepUp, stepUpPasskeyOptions } from "./factors/step-up";
import * as passkeyLogin from "./flows/passkey-login";
import { sessionToken, type TokenRequest } from "./flows/sign-in";
import { resolveOptions, type AuthOptionsInput } from "./options";
import type { Hasher } from "./passwords/hash";
import { authenticate, requireSession, type Principal } from "./sessions/authenticate";
import { registerClaimsProfile } from "./sessions/claims-profiles";
import { privateJwks, publicJwks, readKeys, retireKeys, rotateKeys, startKeyRefresh } from "./sessions/signing-keys";
import { normalizeEmail, normalizePhone } from "./users/normalize";
import { findUserById, findUserByTypedUsername, publicUser } from "./users/users";

export interface CreateAuthInit {
  /** Where state lives: an engine of packages/db (SQLite or PostgreSQL). */
  store: Store;
  options: AuthOptionsInput;
  logger?: Logger;
  transports?: Partial<Transports>;
  /** Tests only: a hasher that counts argon2's calls (testing.ts). */
  hasher?: Hasher;
  /** Tests only: see AuthContext.newCode. */
  newCode?: () => string;
}

/** Binds a flow's first argument (the context) so doors call `auth.flow(input, ...)`. */
const bind =
  <A extends unknown[], R>(ctx: AuthContext, fn: (ctx: AuthContext, ...a: A) => R) =>
  (...a: A): R =>
    fn(ctx, ...a);

/**
 * The whole domain behind one object. Every door (tRPC, REST shims, the web app) calls
 * these, so a rule fixed here is fixed everywhere.
 */
export function createAuth(init: CreateAuthInit) {
  const options = resolveOptions(init.options);
  // The event channel's transport follows from the options; a test may put its own in its place.
  const events = options.events ? { event: eventWebhookTransport(options.events) } : {};
  const ctx: AuthContext = {
    ...createContext(init.store, options, init.logger ?? consoleLogger, { ...embeddedTransports, ...events, ...init.transports }, init.hasher),
    ...(init.newCode ? { newCode: init.newCode } : {}),
  };
  const firebase = createFirebaseSigner(options);
  return {
    ctx,
    options,
    // sign-up
    startRegistration: bind(ctx, registration.startRegistration),
    registrationStatus: bind(ctx, registration.registrationStatus),
    resendRegistration: bind(ctx, registration.resendRegistration),
    completeRegistration: bind(ctx, registration.completeRegistration),
    createAccount: bind(ctx, accounts.createAccount),
    sendEmailVerification: bind(ctx, accounts.sendEmailVerification),
    verifyEmailAndSignIn: bind(ctx, accounts.verifyEmailAndSignIn),
    sendContactVerification: bind(ctx, accounts.sendContactVerification),
    confirmContactVerification: bind(ctx, accounts.confirmContactVerification),
    // sign-in
    requestPhoneCode: bind(ctx, phoneLogin.requestPhoneCode),
    resendPhoneCode: bind(ctx, phoneLogin.resendPhoneCode),
    assertPhoneBelongsTo: bind(ctx, phoneLogin.assertPhoneBelongsTo),
    loginWithPhoneCode: bind(ctx, phoneLogin.loginWithPhoneCode),
    loginWithPassword: bind(ctx, passwordLogin.loginWithPassword),
    loginWithPin: bind(ctx, pin.loginWithPin),
    reloginWithPin: bind(ctx, pin.reloginWithPin),
    setPin: bind(ctx, pin.setPin),
    requestPinReset: bind(ctx, pin.requestPinReset),
    resetPinWithCode: bind(ctx, pin.resetPinWithCode),
    signInSecondStep: bind(ctx, signInSecondStep),
    secondStepPasskeyOptions: bind(ctx, passkeyLogin.secondStepPasskeyOptions),
    passkeySignInOptions: bind(ctx, passkeyLogin.passkeySignInOptions),
    loginWithPasskey: bind(ctx, passkeyLogin.loginWithPasskey),
    // second factors and step-up
    stepUp: bind(ctx, stepUp),
    stepUpPasskeyOptions: bind(ctx, stepUpPasskeyOptions),
    startPasskey: bind(ctx, factors.startPasskey),
    finishPasskey: bind(ctx, factors.finishPasskey),
    listFactors: bind(ctx, factors.listFactors),
    startTotp: bind(ctx, factors.startTotp),
    confirmTotp: bind(ctx, factors.confirmTotp),
    removeFactor: bind(ctx, factors.removeFactor),
    regenerateRecoveryCodes: bind(ctx, factors.regenerateRecoveryCodes),
    adminListFactors: bind(ctx, factors.adminListFactors),
    adminResetFactors: bind(ctx, factors.adminResetFactors),
    // passwords
    requestPasswordReset: bind(ctx, passwordReset.requestPasswordReset),
    requestPasswordResetByAccount: bind(ctx, passwordReset.requestPasswordResetByAccount),
    resetPasswordWithCode: bind(ctx, passwordReset.resetPasswordWithCode),
    changePassword: bind(ctx, passwordReset.changePassword),
    resetLinkHolder: bind(ctx, passwordReset.resetLinkHolder),
    resetLinkUsable: bind(ctx, passwordReset.resetLinkUsable),
    // sessions and tokens
    authenticate: (token: string): Promise<Principal> => authenticate(ctx, token),
    requireSession,
    /** Another token for a signed-in session: not a sign-in, so no device token. */
    issueToken: (p: Principal, t: TokenRequest) => {
      const s = requireSession(p);
      return sessionToken(ctx, s.user, s.session, t);
    },
    renewAccessToken: bind(ctx, sessionFlows.renewAccessToken),
    /** A door's extra JWT claims under a name, for `{ type: "jwt", profile: name }` and the renewals of those tokens. */
    registerClaimsProfile: bind(ctx, registerClaimsProfile),
    logout: bind(ctx, sessionFlows.logout),
    listSessions: bind(ctx, sessionFlows.listSessions),
    revokeSession: bind(ctx, sessionFlows.revokeOwnSession),
    revokeAllSessions: bind(ctx, sessionFlows.revokeAllSessions),
    /** The asymmetric signing keys (sessions/signing-keys.ts), kept in the store and alike on every instance. */
    keys: {
      /** Makes the keys a first start lacks, then reads the set every few seconds until stopped: the server runs it at its start. */
      start: () => startKeyRefresh(ctx),
      /** The published key set, for `/.well-known/jwks.json`. */
      jwks: () => publicJwks(ctx),
      /** The private keys, each algorithm's signing key first: for the OpenID provider. */
      privateJwks: () => privateJwks(ctx),
      /** New keys, published now, signing after `activateInMs` (every instance reads them before). */
      rotate: (o?: { activateInMs?: number }) => rotateKeys(ctx, o),
      /** Deletes the replaced keys no live token can carry; their kids. */
      retire: () => retireKeys(ctx),
      list: async () =>
        (await readKeys(ctx)).keys.map(({ kid, alg, createdAt, activatesAt }) => ({ kid, alg, createdAt, activatesAt })),
    },
    firebaseToken: (p: Principal, userId: number) => firebaseToken(ctx, firebase, p, userId),
    firebaseClientEmail: () => firebase.clientEmail,
    // reading
    findUser: (id: number) => findUserById(ctx, id),
    findUserByUsername: (username: string) => findUserByTypedUsername(ctx, username),
    publicUser,
    // administration
    listAuditEvents: bind(ctx, admin.listAuditEvents),
    setUserRole: bind(ctx, admin.setUserRole),
    grantAdminFromCli: bind(ctx, admin.grantAdminFromCli),
    adminListOidcClients: bind(ctx, oidcClients.adminListClients),
    adminRevokeOidcClient: bind(ctx, oidcClients.adminRevokeClient),
    /** The OpenID Connect provider's side of the domain (packages/oidc runs the protocol). */
    oidc: {
      registerClient: bind(ctx, oidcClients.registerClient),
      listClients: bind(ctx, oidcClients.listClients),
      revokeClient: bind(ctx, oidcClients.revokeClient),
      liveClient: bind(ctx, oidcClients.liveClient),
      clientSecretMatches: bind(ctx, oidcClients.clientSecretMatches),
      accountClaims: bind(ctx, oidcAccountClaims),
      recordConsent: bind(ctx, oidcClients.recordConsent),
      recordTokenReuse: bind(ctx, oidcClients.recordTokenReuse),
      models: oidcModels(ctx),
      /** Keys the provider signs its cookies with, the same on every instance. */
      cookieKeys: (): string[] => [deriveKey(options.secret, "oidc-cookies").export().toString("base64url")],
    },
    /** Retries failed messages and sends those a stopped process left queued. */
    startDeliveryWorker: (intervalMs?: number) => startDeliveryWorker(ctx, intervalMs),
    /** One purge pass (maintenance/purge.ts): expired data deleted, secrets no longer needed redacted. */
    purgeExpired: (o?: PurgeOptions) => purgeExpired(ctx, o),
    /** The purge on a schedule, until stopped; the server runs it beside the delivery worker. */
    startMaintenance: (intervalMs?: number) => startMaintenance(ctx, intervalMs),
    listOutbox: (to?: string) => listOutbox(ctx, to ? normalizeDestination(ctx, to) : undefined),
    /** Waits for the work flows left for after their answers (later.ts): a shutdown waits for it before closing the store. */
    afterAnswers: () => settled(ctx),
    /** True once the store answers and has every migration this code expects. */
    isReady: async (): Promise<boolean> => {
      try {
        return await ctx.store.ready();
      } catch {
        return false;
      }
    },
  };
}

/** The outbox filter takes a phone in any local form, or an email in any case. */
function normalizeDestination(ctx: AuthContext, to: string): string {
  try {
    return to.includes("@") ? normalizeEmail(to) : normalizePhone(to, ctx.options);
  } catch {
    return to.trim();
  }
}

export type Auth = ReturnType<typeof createAuth>;
