import { describe, expect, it } from "vitest";
import { clockTime, fill } from "./define";

describe("clockTime", () => {
  it("writes seconds left as a clock does", () => {
    expect(clockTime(297)).toBe("4:57");
    expect(clockTime(60)).toBe("1:00");
    expect(clockTime(9)).toBe("0:09");
    expect(clockTime(0)).toBe("0:00");
    expect(clockTime(3725)).toBe("1:02:05");
  });

  it("rounds a part second up and never goes below zero", () => {
    expect(clockTime(58.2)).toBe("0:59");
    expect(clockTime(-3)).toBe("0:00");
  });
});

describe("fill", () => {
  it("puts values in their places and leaves an unknown one visible", () => {
    expect(fill("in {time}, {who}", { time: "0:42" })).toBe("in 0:42, {who}");
  });
});
