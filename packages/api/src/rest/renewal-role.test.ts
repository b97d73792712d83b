/**
 * Renewal re-reads the role (issue 10): an admin whose role an admin took away renews an old
 * admin token through family 000 and tRPC `auth.renew`; the new token carries the role the
 * user holds now, and `admin.*` refuses it.
 */
import { describe, expect, it } from "vitest";
import { expect000, jwtPayload, restSetup } from "./test-helpers";

const ADMIN_PHONE = "0881829915";
const OTHER_PHONE = "0881829916";

async function demotedAdmin() {
  const h = restSetup();
  // The operator's admin, and a second user who is granted admin by them.
  const root = await h.phoneLogin000(ADMIN_PHONE);
  await h.makeAdmin(Number(root.id));
  const rootAdmin = await h.phoneLogin000(ADMIN_PHONE, "admin");
  const other = await h.phoneLogin000(OTHER_PHONE);
  const grant = await h.mutate("admin.setRole", { userId: Number(other.id), role: "admin" }, { token: rootAdmin.token });
  expect(grant.status, grant.text).toBe(200);
  const asAdmin = await h.phoneLogin000(OTHER_PHONE, "admin");
  expect(jwtPayload(asAdmin.token).role).toBe("admin");
  expect((await h.query("admin.audit", {}, { token: asAdmin.token })).status).toBe(200);

  const revoke = await h.mutate("admin.setRole", { userId: Number(other.id), role: "customer" }, { token: rootAdmin.token });
  expect(revoke.status, revoke.text).toBe(200);
  return { h, id: other.id, oldToken: asAdmin.token };
}

describe("renewal after an admin role was taken away", () => {
  it("family 000 PATCH /api/v1/authorization/{id}/ renews with the user's current role, and admin.* refuses the new token", async () => {
    const { h, id, oldToken } = await demotedAdmin();
    const res = await h.call("PATCH", `/api/v1/authorization/${id}/`, { mobile_number: OTHER_PHONE, access_token: oldToken });
    const payload = expect000(res, 200, "Verify authorization successfully");
    const renewed = payload.data[0]!.access_token as string;
    expect(jwtPayload(renewed).role).toBe("customer");
    expect((await h.query("admin.audit", {}, { token: renewed })).status).toBe(403);
    expect((await h.mutate("admin.setRole", { userId: 1, role: "user" }, { token: renewed })).status).toBe(403);
  });

  it("tRPC auth.renew does the same", async () => {
    const { h, oldToken } = await demotedAdmin();
    const res = await h.mutate("auth.renew", { accessToken: oldToken });
    expect(res.status, res.text).toBe(200);
    const renewed = res.body.result.data.accessToken as string;
    expect(jwtPayload(renewed).role).toBe("customer");
    expect((await h.query("admin.audit", {}, { token: renewed })).status).toBe(403);
  });
});
