import { FIREBASE_AUDIENCE } from "@authsvc/core";
import { describe, expect, it } from "vitest";
import { expectTrpcError, expectWireError, setup } from "../test/harness";

const decode = (jwt: string) => {
  const [h, p] = jwt.split(".") as [string, string];
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>,
  };
};

describe("firebase.token", () => {
  it("issues a custom token for one's own id, with or without naming it", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });

    const res = await h.query("firebase.token", { userId: s.user.id }, { token: s.accessToken! });
    expect(res.status, res.text).toBe(200);
    const { header, payload } = decode(res.body.result.data.token);
    expect(header.alg).toBe("RS256");
    expect(payload).toMatchObject({ uid: String(s.user.id), aud: FIREBASE_AUDIENCE });
    expect(payload.iss).toBe(h.auth.firebaseClientEmail());
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);

    const implicit = await h.query("firebase.token", undefined, { token: s.accessToken! });
    expect(implicit.status, implicit.text).toBe(200);
    expect(decode(implicit.body.result.data.token).payload.uid).toBe(String(s.user.id));

    const inProcess = await h.caller(s.accessToken).firebase.token();
    expect(decode(inProcess.token).payload.uid).toBe(String(s.user.id));
  });

  it("another user's id answers 401 UNAUTHORIZED, whether or not that user exists", async () => {
    const h = setup();
    const ana = await h.registerAndVerify({ email: "ana@example.com" });
    const bo = await h.registerAndVerify({ email: "bo@example.com" });
    const err = expectWireError(await h.query("firebase.token", { userId: bo.user.id }, { token: ana.accessToken! }), 401, "UNAUTHORIZED");
    expect(err.data.code).toBe("UNAUTHORIZED");
    expectWireError(await h.query("firebase.token", { userId: 999_999 }, { token: ana.accessToken! }), 401, "UNAUTHORIZED");
    await expectTrpcError(h.caller(ana.accessToken).firebase.token({ userId: bo.user.id }), "UNAUTHORIZED", "UNAUTHORIZED");
  });

  it("an admin may name any user; an unknown id then answers 404", async () => {
    const h = setup();
    const admin = await h.registerAndVerify({ email: "admin@example.com" });
    const bo = await h.registerAndVerify({ email: "bo@example.com" });
    await h.store.users.update(admin.user.id, { role: "admin" });
    const res = await h.caller(admin.accessToken).firebase.token({ userId: bo.user.id });
    expect(decode(res.token).payload.uid).toBe(String(bo.user.id));
    await expectTrpcError(h.caller(admin.accessToken).firebase.token({ userId: 999_999 }), "NOT_FOUND", "USER_NOT_FOUND");
  });

  it("needs a sign-in and a positive integer id", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    expectWireError(await h.query("firebase.token", { userId: s.user.id }), 401, "UNAUTHORIZED");
    for (const userId of [0, -1, 1.5, "1"]) {
      expectWireError(await h.query("firebase.token", { userId }, { token: s.accessToken! }), 400, "INVALID_INPUT");
    }
  });
});
