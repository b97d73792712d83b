/**
 * The passkey sign-in phase's set-up: accounts of their own (the seeded users keep signing in
 * with passwords in the other phases), each with a passkey made by core's software
 * authenticator through the service's own procedures, and the sign-ins to send, each
 * answering a ceremony of its own made just before the phase (a ceremony is single-use).
 * The authenticators report a signature counter of 0, as many do, so one passkey serves
 * many concurrent sign-ins.
 */
import { availableParallelism } from "node:os";
import { SoftAuthenticator } from "@authsvc/core/soft-authenticator";
import type { RequestSpec } from "./load";
import { SEED_PASSWORD } from "./seed";
import { dataOf, inParallel, outboxCode, post } from "./setup-calls";
import { bearer, json } from "./workloads";

/** `count` new accounts on the service, each with a passkey; the authenticators that hold them. */
export async function passkeyAccounts(serviceUrl: string, origin: string, count: number, tag: string): Promise<SoftAuthenticator[]> {
  const devices: SoftAuthenticator[] = [];
  for (let i = 0; i < count; i++) {
    const email = `passkey-${tag}-${i}@bench.test`;
    const reg = await post(`${serviceUrl}/api/trpc/auth.register`, { email, password: SEED_PASSWORD });
    const code = await outboxCode(serviceUrl, email);
    const signedIn = await post(`${serviceUrl}/api/trpc/auth.verifyRegistration`, { verificationId: dataOf(reg).verificationId, code });
    const token = dataOf(signedIn).accessToken as string;
    const device = new SoftAuthenticator(origin, "localhost");
    const { ceremonyId, options } = dataOf(await post(`${serviceUrl}/api/trpc/security.startPasskey`, {}, bearer(token))) as {
      ceremonyId: string;
      options: Parameters<SoftAuthenticator["register"]>[0];
    };
    await post(`${serviceUrl}/api/trpc/security.finishPasskey`, { ceremonyId, response: device.register(options) }, bearer(token));
    devices.push(device);
  }
  return devices;
}

/**
 * `count` passkey sign-ins for `loginPath`, each answering a ceremony made at `optionsUrl`
 * (the options' answer is tRPC's `{result: {data}}` on the service, bare on the baseline).
 */
export async function passkeySignIns(optionsUrl: string, loginPath: string, devices: SoftAuthenticator[], count: number): Promise<RequestSpec[]> {
  const out: RequestSpec[] = [];
  await inParallel(count, availableParallelism() * 4, async (i) => {
    const { ceremonyId, options } = dataOf(await post(optionsUrl, {})) as { ceremonyId: string; options: { challenge: string } };
    const response = devices[i % devices.length]!.assert(options, { counter: 0 });
    out.push({ method: "POST", path: loginPath, body: json({ ceremonyId, response }) });
  });
  return out;
}
