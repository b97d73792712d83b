/** One value of a search param, whichever way Next handed it over. */
export const firstParam = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** `path?a=1&next=...`, leaving out empty values so links stay short. */
export function href(path: string, params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The registration code screen for a pending sign-up, as register and resend answer it (the page asks the service for the waits). */
export const verifyHref = (p: { verificationId: string; email: string }, next: string | null) =>
  href("/verify", { id: p.verificationId, email: p.email, next });
