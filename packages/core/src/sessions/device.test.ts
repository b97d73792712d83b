import { describe, expect, it } from "vitest";
import { consoleLogger, createContext } from "../context";
import { embeddedTransports } from "../delivery/transport";
import { resolveOptions } from "../options";
import { issueDeviceToken, knownDevice } from "./device";

const contextWith = (secret: string) => createContext({} as never, resolveOptions({ secret }), consoleLogger, embeddedTransports);
const ctx = contextWith("s".repeat(40));

describe("known-device tokens", () => {
  it("are d1.<userId>.<deviceId>.<mac>, and name their device for their own account only", () => {
    const token = issueDeviceToken(ctx, 14);
    expect(token).toMatch(/^d1\.14\.[\w-]{22}\.[\w-]{43}$/);
    const deviceId = token.split(".")[2];
    expect(knownDevice(ctx, { device: token }, 14)).toBe(deviceId);
    for (const other of [1, 140, 4]) expect(knownDevice(ctx, { device: token }, other)).toBeNull();
  });

  it("each sign-in gives a new device id", () => {
    expect(issueDeviceToken(ctx, 1).split(".")[2]).not.toBe(issueDeviceToken(ctx, 1).split(".")[2]);
  });

  it("nothing, a forged, altered or relabelled token, or one under another secret, is no known device", () => {
    const token = issueDeviceToken(ctx, 14);
    const [v, u, d, mac] = token.split(".") as [string, string, string, string];
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A");
    const other = issueDeviceToken(ctx, 15).split(".");
    for (const device of [
      undefined,
      "",
      `${v}.${u}.${d}.${flip(mac)}`,
      `${v}.${u}.${flip(d)}.${mac}`,
      `d2.${u}.${d}.${mac}`,
      `${v}.014.${d}.${mac}`,
      `${other[0]}.14.${other[2]}.${other[3]}`,
      `${v}.${u}.${d}`,
      `${token}.x`,
      `${token}${"A".repeat(200)}`,
      issueDeviceToken(contextWith("t".repeat(40)), 14),
    ]) {
      expect(knownDevice(ctx, device === undefined ? {} : { device }, 14), String(device)).toBeNull();
    }
    expect(knownDevice(ctx, undefined, 14)).toBeNull();
  });
});
