// What a developer writes in a project of their own, with the packed package installed: it is
// type-checked there under `nodenext` and `bundler`, then compiled and run against a service.
import { authErrorCode, createAuthClient, isAuthError, type RouterOutputs } from "@authsvc/client";

const [url = "", email = ""] = process.argv.slice(2);
const password = "correct horse battery staple";

/** The signup code the dev outbox holds for `to`: the service shows it to the machine it runs on. */
async function signupCode(to: string): Promise<string> {
  const res = await fetch(`${url}/api/dev/outbox?to=${encodeURIComponent(to)}`);
  const { messages } = (await res.json()) as { messages: { purpose: string; code: string | null }[] };
  const code = messages.find((m) => m.purpose === "signup")?.code;
  if (!code) throw new Error(`no signup code for ${to} in the outbox`);
  return code;
}

let token: string | null = null;
const api = createAuthClient({ url, token: () => token });

const pending = await api.auth.register.mutate({ email, password, fullName: "Ana Putri" });
const signedIn = await api.auth.verifyRegistration.mutate({ verificationId: pending.verificationId, code: await signupCode(email) });
token = signedIn.accessToken;
const me: RouterOutputs["user"]["me"] = await api.user.me.query();

let wrongPassword: string | undefined;
try {
  await api.auth.loginWithPassword.mutate({ identifier: email, password: "not the password" });
} catch (err) {
  if (!isAuthError(err, "INVALID_CREDENTIALS")) throw err;
  wrongPassword = err.data.authCode;
}

let anonymous: string | undefined;
try {
  await createAuthClient({ url }).user.me.query();
} catch (err) {
  anonymous = authErrorCode(err);
}

// More calls at once than the service takes in one batch: the client sends two.
const policies = await Promise.all(Array.from({ length: 11 }, () => api.auth.passwordPolicy.query()));

console.log(
  JSON.stringify({
    tokenType: signedIn.tokenType,
    me: { email: me.email?.toLowerCase(), fullName: me.fullName, emailVerified: me.emailVerified },
    wrongPassword,
    anonymous,
    policies: policies.filter((p) => p.minLength > 0).length,
  }),
);
