/**
 * Issue 19, hole 6: DNS rebinding onto the dev outbox. A page of another site renames itself
 * to 127.0.0.1 and reads our answers as same-origin; the browser still sends the page's own
 * name as Host. A Host that merely started with `127.` (`127.attacker.example`) counted as
 * the machine itself. "Loopback" is an IP literal in 127.0.0.0/8 or `::1`, or exactly
 * `localhost` / `*.localhost`, each with an optional port.
 */
import { describe, expect, it } from "vitest";
import { advance, attackSetup, fakeDate, MINUTE, realTimersAfterEach, VICTIM_PHONE, type AttackHarness } from "./support";

realTimersAfterEach();

const LOCAL = "127.0.0.1";

function local() {
  return attackSetup({ handler: { devOutbox: "local" } });
}

/** The outbox JSON and family 001's verify-phone, both from a loopback socket, with this Host. */
async function probe(h: AttackHarness, host: string) {
  const outbox = await h.handler.fetch(new Request(`http://localhost/api/dev/outbox?to=${encodeURIComponent(VICTIM_PHONE)}`, { headers: { host } }), {
    remoteAddress: LOCAL,
  });
  const verify = await h.handler.fetch(
    new Request("http://localhost/verify-phone", {
      method: "POST",
      headers: { host, "content-type": "application/json" },
      body: JSON.stringify({ phoneNumber: VICTIM_PHONE }),
    }),
    { remoteAddress: LOCAL },
  );
  return { outbox: { status: outbox.status, text: await outbox.text() }, verify: { status: verify.status, text: await verify.text() } };
}

/** A victim's account with a login code in the outbox, past that code's resend cooldown. */
async function victimWithCode(h: AttackHarness) {
  fakeDate();
  const created = await h.call("203.0.113.20", "POST", "/api/v1/authentication/", { mobile_number: VICTIM_PHONE });
  expect(created.status, created.text).toBe(201);
  expect((await h.outbox(VICTIM_PHONE))[0]?.code).toMatch(/^\d{6}$/);
  advance(5 * MINUTE);
}

describe("hole 6: only loopback names and literals count as the machine itself", () => {
  const rebinding = [
    "127.attacker.example",
    "127.attacker.example:3000",
    "127.0.0.1.attacker.example",
    "127.0.0.1.nip.io:3000",
    "127.1",
    "127.0.0.256",
    "localhost.attacker.example",
    "attacker.example.localhost.evil",
    "localhost.",
    "[::1].attacker.example",
    "[::ffff:127.0.0.1]",
  ];
  for (const host of rebinding) {
    it(`Host ${host}: the outbox answers 404 and verify-phone shows no code`, async () => {
      const h = local();
      await victimWithCode(h);
      const { outbox, verify } = await probe(h, host);
      expect(outbox.status, `ATTACK WORKED: Host ${host} read the dev outbox: ${outbox.text}`).not.toBe(200);
      expect(outbox.text).not.toMatch(/\d{6}/);
      expect(verify.text, `ATTACK WORKED: Host ${host} got family 001's verificationCode`).not.toContain("verificationCode");
    });
  }

  it("the machine itself by its loopback names and literals is still served", async () => {
    for (const host of ["localhost", "localhost:3000", "LOCALHOST:3000", "app.localhost", "app.localhost:3000", "127.0.0.1", "127.0.0.1:3000", "127.8.9.10:80", "[::1]", "[::1]:3000"]) {
      const h = local();
      await victimWithCode(h);
      const { outbox, verify } = await probe(h, host);
      expect(outbox.status, `${host}: ${outbox.text}`).toBe(200);
      expect(JSON.parse(outbox.text).messages[0].code, host).toMatch(/^\d{6}$/);
      expect(verify.status, verify.text).toBe(200);
      expect(JSON.parse(verify.text).content.verificationCode, host).toMatch(/^\d{6}$/);
    }
  });
});
