import { describe, expect, it } from "vitest";
import { plainTarget } from "./plain-target";

/** What the fetch adapter's URL makes of a target. */
function parsed(target: string) {
  const url = new URL(`http://localhost${target}`);
  return { pathname: url.pathname, query: [...url.searchParams] };
}

describe("plainTarget", () => {
  it.each([
    "/api/v1/authentication",
    "/api/v1/authentication/",
    "/api/v1/authentication/12/",
    "/api/v1/authentication/%39%39",
    "/api/v1/authentication/%E0%A4%A/",
    "/api/v1/auth/status?id=a%20b&id=c",
    "/3p/token/?userId=1",
    "/3p/token?",
    "/a/.b/..c/c./...",
    "/a/b@c:d;e=f,g+h!i$j&k'l(m)n*o~p_q-r",
    "//api/v1/authentication",
    "/x?a=/../b",
  ])("reads %s as a URL does", (target) => {
    const plain = plainTarget(target);
    expect(plain).toBeDefined();
    expect({ pathname: plain!.pathname, query: [...new URLSearchParams(plain!.search)] }).toEqual(parsed(target));
  });

  it.each([
    "http://localhost/api/v1/authentication",
    "*",
    "",
    "/api/v1/x/../authentication",
    "/api/v1/x/%2e%2E/authentication",
    "/api/v1/authentication/.",
    "/api/v1/authentication/..?x=1",
    "/api/v1/authentication\\..\\x",
    "/api/v1/authentication#x",
    "/api/v1/authentication/a b",
    '/api/v1/authentication/"x"',
    "/api/v1/authentication/{x}",
    "/api/v1/authentication/[x]",
    "/api/v1/authentication/é",
    "/x?a=b#c",
  ])("leaves %s to the adapter", (target) => {
    expect(plainTarget(target)).toBeUndefined();
  });
});
