/**
 * The same request twice at once: a double tap, a client that retries, an attacker racing
 * the owner. Whichever engine is under the service, the store decides who wins, not the
 * order in which the event loop happens to run the two: exactly one succeeds, the other
 * gets the answer it would get a moment later, and nothing is counted twice or not at all.
 */
import { describe, expect, it } from "vitest";
import { expect000, expect001, expect002, expect003, PASS, restSetup } from "../rest/test-helpers";

const sorted = (...statuses: number[]) => [...statuses].sort((a, b) => a - b);

describe("requests that race", () => {
  it("two sign-ups of one email make one account; the other gets a clean 409", async () => {
    const h = restSetup();
    const body = { email: "race@example.com", password: PASS, fullname: "Race Runner" };
    const [a, b] = await Promise.all([h.call("POST", "/auth/register", body), h.call("POST", "/auth/register", body)]);
    expect(sorted(a.status, b.status)).toEqual([200, 409]);
    expect002(a.status === 409 ? a : b, 409);
    expect(await h.userCount()).toBe(1);
  });

  it("one code verified twice at once registers once; the second answers the documented 400", async () => {
    const h = restSetup();
    const reg = await h.call("POST", "/api/v1/auth/register", {
      username: "racer",
      email: "racer@example.com",
      password: PASS,
      fullname: "Race Runner",
      birthday: "10.01.1996",
    });
    expect(reg.status, reg.text).toBe(200);
    const body = { code: await h.code("racer@example.com", "signup"), verificationId: reg.body.verificationId };
    const [a, b] = await Promise.all([h.call("POST", "/api/v1/auth/verify", body), h.call("POST", "/api/v1/auth/verify", body)]);
    expect(sorted(a.status, b.status)).toEqual([200, 400]);
    expect003(a.status === 400 ? a : b, 400);
    expect(await h.userCount()).toBe(1);
  });

  it("one token renewed twice at once is a replay: one renewal wins, and the session is revoked, so its new token dies too", async () => {
    const h = restSetup();
    const mobile = "081234567890";
    const { id, token } = await h.phoneLogin000(mobile);
    const renew = () => h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: mobile, access_token: token });
    const [a, b] = await Promise.all([renew(), renew()]);
    expect(sorted(a.status, b.status)).toEqual([200, 401]);
    expect000(a.status === 401 ? a : b, 401);
    const winner = (a.status === 200 ? a : b).body.payload.data[0].access_token as string;
    const next = await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: mobile, access_token: winner });
    expect000(next, 401);
  });

  it("a burst from one address counts every request: exactly the limit gets through", async () => {
    const max = 5;
    const h = restSetup({ options: { limits: { codeSendPerIp: { max, windowSec: 3600 } } } });
    const numbers = Array.from({ length: 3 * max }, (_, i) => `08123450${String(1000 + i)}`);
    const answers = await Promise.all(numbers.map((phoneNumber) => h.call("POST", "/verify-phone", { phoneNumber })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(max);
    for (const refused of answers.filter((r) => r.status !== 200)) expect001(refused, 429);
  });
});
