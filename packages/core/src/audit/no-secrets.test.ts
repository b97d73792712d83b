import { afterEach, describe, expect, it, vi } from "vitest";
import { authError, fakeClock, lastCode, tableRows } from "../test-helpers";
import { createTestAuth } from "../testing";

/**
 * Runs a full set of flows once, then reads everything the service wrote (logs, audit,
 * outbox, every table) looking for the secrets that went through it.
 */
const EMAIL = "ana@example.com";
const PHONE = "0881829915";
const PASSWORD = "Sup3r-Secret-Passw0rd!";
const WRONG_PASSWORD = "Wr0ng-Secret-Guess!";
const RESET_PASSWORD = "Res3t-Secret-Passw0rd!";
const LINK_PASSWORD = "L1nk-Secret-Passw0rd!";
const PIN = "480215";
const WRONG_PIN = "480216";

type T = ReturnType<typeof createTestAuth>;
let t: T;
const codes = new Set<string>();
const tokens = new Set<string>();
const opaqueTokens = new Set<string>();

/** A 6-digit secret as a whole number, not as a piece of a longer one (a timestamp, a customer number). */
const hasDigits = (hay: string, digits: string) => new RegExp(`(?<!\\d)${digits}(?!\\d)`).test(hay);

function findSecrets(hay: string): string[] {
  const found: string[] = [];
  for (const pw of [PASSWORD, WRONG_PASSWORD, RESET_PASSWORD, LINK_PASSWORD]) if (hay.includes(pw)) found.push(`password ${pw}`);
  for (const pin of [PIN, WRONG_PIN]) if (hasDigits(hay, pin)) found.push(`PIN ${pin}`);
  for (const code of codes) if (hasDigits(hay, code)) found.push(`code ${code}`);
  for (const token of tokens) if (hay.includes(token)) found.push(`token ${token.slice(0, 12)}...`);
  if (hay.includes("$argon2")) found.push("an argon2 hash");
  return found;
}

let played: Promise<void> | undefined;
/**
 * The flows, played once by the first test that reads their traces: not in beforeAll, which
 * would still run when a run skips every test (no PostgreSQL server).
 */
const play = () => (played ??= playFlows());

async function playFlows(): Promise<void> {
  const clock = fakeClock();
  // Events on: their rows (outbox, channel "event") are read with everything else.
  t = createTestAuth({ events: { url: "http://127.0.0.1:9/events", secret: `whsec_${Buffer.alloc(32, 1).toString("base64")}` } });
  const { auth } = t;
  const keep = <S extends { token: string; tokenType: string }>(s: S): S => {
    tokens.add(s.token);
    if (s.tokenType !== "jwt") opaqueTokens.add(s.token);
    return s;
  };
  const code = async (to: string) => {
    const c = (await lastCode(auth, to));
    codes.add(c);
    return c;
  };

  // Register and verify (one wrong code first).
  const pending = await auth.startRegistration({ email: EMAIL, password: PASSWORD, username: "ana", phone: PHONE });
  const signupCode = (await code(EMAIL));
  await authError(auth.completeRegistration({ verificationId: pending.verificationId, code: signupCode === "000000" ? "000001" : "000000" }, { type: "jwt" }));
  const first = keep(await auth.completeRegistration({ verificationId: pending.verificationId, code: signupCode }, { type: "jwt" }));

  // Password logins, right and wrong; renewal.
  await authError(auth.loginWithPassword({ identifier: EMAIL, password: WRONG_PASSWORD }, { type: "jwt" }));
  const pw = keep(await auth.loginWithPassword({ identifier: "ana", password: PASSWORD }, { type: "jwt" }));
  keep(await auth.renewAccessToken(pw.token));

  // Phone login.
  await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
  const phone = keep(await auth.loginWithPhoneCode({ phone: PHONE, code: (await code(PHONE)) }, { type: "bearer" }));
  tokens.add(await auth.firebaseToken((await auth.authenticate(phone.token)), phone.user.id));

  // PIN: set, log in, a wrong one, a reset by code.
  await auth.setPin((await auth.authenticate(first.token)), { pin: PIN });
  const pinLogin = keep(await auth.loginWithPin({ username: "ana", pin: PIN }, { type: "cookie" }));
  await authError(auth.reloginWithPin((await auth.authenticate(pinLogin.token)), WRONG_PIN));
  await auth.requestPinReset((await auth.authenticate(pinLogin.token)));
  await auth.resetPinWithCode((await auth.authenticate(pinLogin.token)), { code: (await code(EMAIL)), pin: PIN });

  // Password reset by code, by account (PIN), then by link.
  await auth.requestPasswordReset({ identifier: EMAIL });
  await auth.resetPasswordWithCode({ identifier: EMAIL, code: (await code(EMAIL)), newPassword: RESET_PASSWORD });
  const firstLink = /token=([^\s]+)/.exec((await auth.listOutbox(EMAIL))[1]!.text)![1]!;
  tokens.add(decodeURIComponent(firstLink));
  opaqueTokens.add(decodeURIComponent(firstLink));
  await auth.requestPasswordResetByAccount({ customerNumber: first.user.customerNumber, accountNumber: first.user.accountNumber, pin: PIN });
  (await code(EMAIL));
  clock.advanceSec(600);
  await auth.requestPasswordReset({ identifier: EMAIL });
  (await code(EMAIL));
  const link = decodeURIComponent(/token=([^\s]+)/.exec((await auth.listOutbox(EMAIL))[0]!.text)![1]!);
  tokens.add(link);
  opaqueTokens.add(link);
  await auth.changePassword((await auth.authenticate(link)), { newPassword: LINK_PASSWORD });
  await auth.loginWithPassword({ identifier: EMAIL, password: LINK_PASSWORD }, { type: "jwt" }).then(keep);
  vi.useRealTimers();
}

afterEach(() => {
  vi.useRealTimers();
});

describe("nothing secret is kept where it should not be", () => {
  it("the flows really ran: codes and tokens were issued, and the last password works", async () => {
    await play();
    expect(codes.size).toBeGreaterThanOrEqual(5);
    expect(tokens.size).toBeGreaterThanOrEqual(8);
    expect(t.logger.lines.length).toBeGreaterThan(0);
    expect((await tableRows(t, "audit_events")).length).toBeGreaterThan(20);
  });

  it("no log line holds a password, PIN, code, token or hash", async () => {
    await play();
    for (const line of t.logger.lines) expect(findSecrets(JSON.stringify(line)), JSON.stringify(line)).toEqual([]);
  });

  it("no audit row holds a password, PIN, code, token or hash", async () => {
    await play();
    for (const row of await tableRows(t, "audit_events")) expect(findSecrets(JSON.stringify(row)), JSON.stringify(row)).toEqual([]);
  });

  it("outbox rows carry codes only in the message (text and HTML bodies) and the dev code column", async () => {
    await play();
    const rows = await tableRows(t, "outbox");
    expect(rows.some((r) => r.code !== null)).toBe(true);
    for (const { text, html, code, ...rest } of rows) {
      expect(findSecrets(JSON.stringify(rest)), JSON.stringify(rest)).toEqual([]);
      // The message itself carries no password, PIN or hash either.
      for (const body of [text, html]) {
        expect(findSecrets(String(body ?? "")).filter((s) => /^(password|PIN|an argon2)/.test(s))).toEqual([]);
      }
      if (code !== null) expect(String(text)).toContain(String(code));
    }
  });

  it("event rows hold no password, PIN, code, token or hash, in their payload either", async () => {
    await play();
    const events = (await tableRows(t, "outbox")).filter((r) => r.channel === "event");
    expect(new Set(events.map((r) => r.purpose))).toEqual(new Set(["user.created", "user.verified", "session.created", "session.revoked", "password.changed"]));
    for (const row of events) expect(findSecrets(JSON.stringify(row)), JSON.stringify(row)).toEqual([]);
  });

  it("no table stores a password or PIN in clear", async () => {
    await play();
    const tables = await t.sql.tables();
    expect(tables).toEqual(expect.arrayContaining(["users", "credentials", "challenges", "audit_events", "outbox"]));
    for (const table of tables) {
      const dump = JSON.stringify(await tableRows(t, table));
      for (const pw of [PASSWORD, WRONG_PASSWORD, RESET_PASSWORD, LINK_PASSWORD]) expect(dump.includes(pw), `${pw} in ${table}`).toBe(false);
      for (const pin of [PIN, WRONG_PIN]) {
        if (table !== "outbox") expect(hasDigits(dump, pin), `${pin} in ${table}`).toBe(false);
      }
    }
  });

  it("challenges keep a code hash, never the code", async () => {
    await play();
    const rows = await tableRows(t, "challenges");
    expect(rows.length).toBeGreaterThanOrEqual(codes.size);
    for (const row of rows) {
      for (const code of codes) {
        expect(row.code_hash).not.toBe(code);
        expect(hasDigits(JSON.stringify({ ...row, created_at: 0, expires_at: 0, last_sent_at: 0, consumed_at: 0, superseded_at: 0 }), code)).toBe(false);
      }
    }
  });

  it("opaque tokens are stored as hashes, never as the token", async () => {
    await play();
    const rows = await tableRows(t, "opaque_tokens");
    expect(rows.length).toBe(opaqueTokens.size);
    const dump = JSON.stringify(rows);
    for (const token of opaqueTokens) {
      expect(rows.some((r) => r.token_hash === token)).toBe(false);
      expect(dump.includes(token)).toBe(false);
    }
  });
});
