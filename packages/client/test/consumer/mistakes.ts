// Mistakes the types must catch: tsc must report exactly the error each `expect` comment names,
// on that line, and nothing else.
import { createAuthClient } from "@authsvc/client";

const api = createAuthClient({ url: "http://localhost:3000" });

export async function mistakes(): Promise<void> {
  await api.auth.loginWithPassword.mutate({ identifier: 42, password: "secret" }); // expect TS2322: the identifier is text
  await api.auth.loginWithMagicLink.mutate({ email: "ana@example.com" }); // expect TS2339: no such procedure
  await api.user.me.mutate(); // expect TS2339: a query is not a mutation
  const me = await api.user.me.query();
  console.log(me.email.toLowerCase()); // expect TS18047: an account may have no email
}
