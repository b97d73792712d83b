import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { serverBridge, serverBridgeOrNull } from "./bridge";

export const serverCaller = cache(async () => serverBridge().callerFor(await headers()));

/** The signed-in user, or null; one lookup per request however many components ask. */
export const currentUser = cache(async () => {
  try {
    return await (await serverCaller()).user.me();
  } catch {
    return null;
  }
});

/** Private pages: signed-out visitors go to login and come back here after it. */
export async function requireUser(path: string) {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(path)}`);
  return user;
}

/** The dev outbox answers this request (never while Next builds pages outside the server). */
export const devOutboxShown = cache(async () => serverBridgeOrNull()?.devOutboxFor(await headers()) ?? false);

/** Whether the pages offer passkeys: not where the site's address cannot host them (a prompt would only fail). */
export const passkeysOffered = (): boolean => serverBridgeOrNull()?.passkeysOffered ?? false;
