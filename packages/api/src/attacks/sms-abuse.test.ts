/**
 * Issue 10, hole 8 (core part): SMS pumping and limit bypass. SMS goes only to numbers of
 * `smsCountries` (default: the default country, ID); any other number is an invalid number
 * on every door. A global hourly budget of SMS to new numbers, with an audit event when
 * reached. Per-address limits group IPv6 by /64.
 */
import { describe, expect, it } from "vitest";
import { expect000, expect001, expectRetryAfter } from "../testing";
import { advance, ATTACKER_IP, attackSetup, fakeDate, MINUTE, realTimersAfterEach, VICTIM_IP } from "./support";

realTimersAfterEach();

/** A valid US number (premium-rate pumping would use any such foreign range). */
const US = "+14155550100";

describe("hole 8: numbers outside the SMS countries are invalid numbers on every door", () => {
  it("family 000 POST /api/v1/authentication/ answers 400 with data [] and sends nothing, creates no one", async () => {
    const h = attackSetup();
    const res = await h.call(ATTACKER_IP, "POST", "/api/v1/authentication/", { mobile_number: US });
    expect(res.status, `ATTACK WORKED: an SMS was sent to a US number with the default SMS countries: ${res.text}`).toBe(400);
    expect000(res, 400);
    expect(res.body.payload.data).toEqual([]);
    expect((await h.outbox()), "ATTACK WORKED: a message went to a number outside the SMS countries").toHaveLength(0);
    expect((await h.usersWithPhone(US))).toBe(0);
  });

  it("family 001 POST /verify-phone answers 400 'Bad Request: Invalid number format'", async () => {
    const h = attackSetup();
    const res = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: US });
    expect(res.status, `ATTACK WORKED: a US number is accepted: ${res.text}`).toBe(400);
    expect001(res, 400, "Bad Request: Invalid number format");
    expect((await h.outbox())).toHaveLength(0);
  });

  it("tRPC auth.requestPhoneCode answers 400 and sends nothing", async () => {
    const h = attackSetup();
    const res = await h.mutate(ATTACKER_IP, "auth.requestPhoneCode", { phone: US });
    expect(res.status, `ATTACK WORKED: a US number got an SMS through tRPC: ${res.text}`).toBe(400);
    expect((await h.outbox())).toHaveLength(0);
    expect((await h.usersWithPhone(US))).toBe(0);
  });

  it("with smsCountries [ID, US] the US number works (family 000: 201 and an SMS)", async () => {
    const h = attackSetup({ options: { smsCountries: ["ID", "US"] } });
    const res = await h.call(ATTACKER_IP, "POST", "/api/v1/authentication/", { mobile_number: US });
    expect000(res, 201);
    expect((await h.outbox(US))).toHaveLength(1);
  });
});

describe("hole 8: a global hourly budget of SMS to new numbers", () => {
  it("the third new number in an hour (budget 2) gets 429 with Retry-After, no user, an audit row; an existing number still gets its code", async () => {
    fakeDate();
    const h = attackSetup({ options: { smsNewNumbersPerHour: 2 } });
    const numbers = ["+6281234500001", "+6281234500002", "+6281234500003"];
    // Different addresses: the budget is global, not per client.
    const ips = [ATTACKER_IP, VICTIM_IP, "192.0.2.99"];
    for (const [i, mobile_number] of numbers.slice(0, 2).entries()) {
      expect000(await h.call(ips[i]!, "POST", "/api/v1/authentication/", { mobile_number }), 201);
    }
    const third = await h.call(ips[2]!, "POST", "/api/v1/authentication/", { mobile_number: numbers[2] });
    expect(third.status, `ATTACK WORKED: SMS to new numbers is unbounded (third new number: ${third.text})`).toBe(429);
    expect000(third, 429);
    expectRetryAfter(third);
    expect((await h.usersWithPhone(numbers[2]!)), "a user was created for the refused number").toBe(0);
    expect((await h.outbox(numbers[2]!))).toHaveLength(0);
    expect((await h.auditKinds())).toContain("sms_budget_exhausted");

    advance(2 * MINUTE);
    const again = await h.call(ips[0]!, "POST", "/api/v1/authentication/", { mobile_number: numbers[0] });
    expect(again.status, `an existing number still gets its code: ${again.text}`).toBe(201);
    expect((await h.outbox(numbers[0]!))).toHaveLength(2);
  });
});

describe("hole 8: per-address limits group IPv6 by /64", () => {
  it("three addresses of one /64 share the code-send limit (max 2): the third is 429; another /64 is allowed", async () => {
    const h = attackSetup({ options: { limits: { codeSendPerIp: { max: 2, windowSec: 3600 } }, smsNewNumbersPerHour: 100 } });
    const send = (ip: string, mobile_number: string) => h.call(ip, "POST", "/api/v1/authentication/", { mobile_number });
    expect000(await send("2001:db8:1:2::1", "+6281234500011"), 201);
    expect000(await send("2001:db8:1:2::2", "+6281234500012"), 201);
    const third = await send("2001:db8:1:2:ffff::3", "+6281234500013");
    expect(third.status, `ATTACK WORKED: a new address in the same /64 resets the per-address limit: ${third.text}`).toBe(429);
    expect000(third, 429);
    expectRetryAfter(third);
    expect000(await send("2001:db8:1:3::1", "+6281234500014"), 201);
  });
});
