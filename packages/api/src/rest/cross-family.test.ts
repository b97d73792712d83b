/**
 * docs/contracts.md, "General, every family": a person is one user whichever door they use, phone numbers in
 * any spelling are one person, and any access token of any family is accepted by every
 * protected route of every family and by the tRPC API.
 */
import { describe, expect, it } from "vitest";
import {
  advance,
  expect000,
  expect001,
  expect002,
  expect003,
  expect004,
  fakeDate,
  jwtPayload,
  PASS,
  PASS2,
  PIN,
  realTimersAfterEach,
  restSetup,
} from "./test-helpers";
import { pastResendWaitMs } from "@authsvc/core/testing";

realTimersAfterEach();

const LOCAL = "0881829915";
const E164 = "+62881829915";

describe("one person, whichever door", () => {
  it("a phone that signed up through 001 logs in through 000 as the same user (000's id is that user's id)", async () => {
    const h = restSetup();
    expect001(await h.call("POST", "/user/sign-up", { name: "Syntia", email: "syntia@gmail.com", phoneNumber: E164, birthDate: "2020-03-28" }), 200);
    const bearer = await h.phoneLogin001(E164);
    const me = (await h.me(bearer)).body.result.data;

    fakeDate();
    advance(2 * 60_000);
    const created = await h.call("POST", "/api/v1/authentication/", { mobile_number: LOCAL });
    expect000(created, 201);
    expect(created.body.payload.data[0].id).toBe(String(me.id));
    expect((await h.userCount())).toBe(1);
    const login = await h.call("PUT", `/api/v1/authentication/${me.id}/`, { mobile_number: LOCAL, otp_code: (await h.code(LOCAL)), role: "customer" });
    expect000(login, 200);
    expect(login.body.payload.data[0].id).toBe(String(me.id));
    expect(jwtPayload(login.body.payload.data[0].access_token).sub).toBe(String(me.id));
    // and the 000 token is the same person on the typed API, email and all
    const again = (await h.me(login.body.payload.data[0].access_token)).body.result.data;
    expect(again).toMatchObject({ id: me.id, email: "syntia@gmail.com", phone: E164 });
  });

  it("0881829915 and +62881829915 are one person (000 find-or-create, resend, login; 001 sign-up conflict)", async () => {
    fakeDate();
    const h = restSetup();
    const a = await h.call("POST", "/api/v1/authentication/", { mobile_number: LOCAL });
    advance(pastResendWaitMs(h.auth));
    const b = await h.call("POST", "/api/v1/authentication/", { mobile_number: E164 });
    expect000(b, 201);
    expect(b.body.payload.data[0].id).toBe(a.body.payload.data[0].id);
    expect(b.body.payload.data[0].mobile).toBe(E164);
    expect((await h.userCount())).toBe(1);
    const id = a.body.payload.data[0].id as string;
    advance(5 * 60_000);
    expect000(await h.call("PATCH", `/api/v1/authentication/${id}/`, { mobile_number: "+62 881-829-915" }), 200);
    const login = await h.call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: E164, otp_code: (await h.code(LOCAL)), role: "customer" });
    expect000(login, 200);
    expect001(await h.call("POST", "/user/sign-up", { name: "Syntia", email: "s@gmail.com", phoneNumber: LOCAL, birthDate: "2020-03-28" }), 409);
    expect((await h.userIdByPhone(E164))).toBe(Number(id));
  });

  it("a 003 registration logs in through 002 and 004 (with a PIN) as the same user", async () => {
    const h = restSetup();
    const u = await h.userWithPin({ username: "johndoe", email: "johndoe@gmail.com" });
    const login002 = await h.call("POST", "/auth/login", { email: "johndoe@gmail.com", password: PASS });
    expect002(login002, 200, "berhasil login");
    expect(jwtPayload(login002.body.token)._id).toBe(String(u.id));
    expect(jwtPayload(login002.body.token).username).toBe("johndoe");
    const login004 = await h.call("POST", "/v1/auth/login", { username: "johndoe", mpin: PIN });
    expect004(login004, 200, "Login success");
    expect(jwtPayload(login004.body.data.token).sub).toBe(String(u.id));
  });

  it("a 002 account logs in through 003 once verified", async () => {
    const h = restSetup();
    await h.emailUser002("siti@example.com");
    const res = await h.call("POST", "/api/v1/auth/login", { email: "siti@example.com", password: PASS });
    expect003(res, 200, "Successfuly login");
    expect(typeof res.body.user.id).toBe("number");
  });
});

describe("any family's token on every protected route", () => {
  it("000's JWT works on 001's /3p/token, 004's relogin, 002's update-password and tRPC user.me", async () => {
    const h = restSetup();
    const { id, token } = await h.phoneLogin000(LOCAL);
    const me = await h.me(token);
    expect(me.status, me.text).toBe(200);
    expect(String(me.body.result.data.id)).toBe(id);

    const fb = await h.call("GET", `/3p/token?userId=${id}`, undefined, { token });
    expect001(fb, 200);
    expect(jwtPayload(fb.body.value).uid).toBe(id);

    // a PIN for this phone user, set right after its sign-in, then 004's relogin with 000's token
    const set = await h.mutate("pin.set", { pin: PIN }, { token });
    expect(set.status, set.text).toBe(200);
    const relogin = await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token });
    expect004(relogin, 200, "Login success");
    expect(relogin.body.data.userDetails.status).toBe("ACTIVE");

    const upd = await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token });
    expect002(upd, 200, "berhasil mengubah password");
    // the session that changed the password lives on
    expect((await h.me(token)).status).toBe(200);
  });

  it("001's opaque token works on tRPC user.me, 002's update-password, 004's relogin and 001's /3p/token", async () => {
    const h = restSetup();
    await h.call("POST", "/user/sign-up", { name: "Syntia", email: "syntia@gmail.com", phoneNumber: E164, birthDate: "2020-03-28" });
    const bearer = await h.phoneLogin001(E164);
    const me = await h.me(bearer);
    expect(me.status, me.text).toBe(200);
    const id = me.body.result.data.id as number;
    expect(id).toBe((await h.userIdByPhone(E164)));
    expect001(await h.call("GET", `/3p/token?userId=${id}`, undefined, { token: bearer }), 200);
    expect((await h.mutate("pin.set", { pin: PIN }, { token: bearer })).status).toBe(200);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: bearer }), 200, "Login success");
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: bearer }), 200, "berhasil mengubah password");
  });

  it("002's JWT works on 001's /3p/token with its own id (and not with another's), and on 004's relogin", async () => {
    const h = restSetup();
    const token = await h.emailUser002("siti@example.com");
    const id = jwtPayload(token)._id as string;
    const fb = await h.call("GET", `/3p/token?userId=${id}`, undefined, { token });
    expect001(fb, 200);
    expect(jwtPayload(fb.body.value).uid).toBe(id);
    const other = await h.emailUser002("budi@example.com");
    expect001(await h.call("GET", `/3p/token?userId=${jwtPayload(other)._id}`, undefined, { token }), 401);
    expect((await h.mutate("pin.set", { pin: PIN }, { token })).status).toBe(200);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token }), 200, "Login success");
  });

  it("003's and 004's JWTs work on 001's /3p/token, 002's update-password and tRPC user.me", async () => {
    const h = restSetup();
    const u = await h.userWithPin({ username: "johndoe", email: "johndoe@gmail.com" });
    const t004 = (await h.call("POST", "/v1/auth/login", { username: "johndoe", mpin: PIN })).body.data.token as string;
    for (const token of [u.token, t004]) {
      expect((await h.me(token)).body.result.data.id).toBe(u.id);
      expect001(await h.call("GET", `/3p/token?userId=${u.id}`, undefined, { token }), 200);
    }
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: t004 }), 200);
    // the 003 session was another session: signed out by the change
    expect((await h.me(u.token)).status).toBe(401);
    expect((await h.me(t004)).status).toBe(200);
  });

  it("a tRPC sign-in's token works on the REST shims", async () => {
    const h = restSetup();
    const s = await h.registerAndVerify({ email: "ana@example.com", password: PASS, username: "ana" });
    expect001(await h.call("GET", `/3p/token?userId=${s.user.id}`, undefined, { token: s.accessToken! }), 200);
    expect002(await h.call("PATCH", "/auth/update-password", { new_password: PASS2 }, { token: s.accessToken! }), 200);
  });
});
