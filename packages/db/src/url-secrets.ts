/** Query parameters that carry a secret (libpq's `password`, `sslpassword`; any `*token*`/`*secret*`). */
const SECRET_PARAM = /pass|secret|token/i;

/**
 * A database URL fit to print: its userinfo password and every secret query parameter
 * replaced by `mask`, or dropped when `mask` is "" (for a command to run: the password then
 * comes from PGPASSWORD or ~/.pgpass). Undefined when the URL does not parse: then nothing of
 * it may be printed, since where its password ends cannot be told.
 */
export function databaseUrlWithoutSecrets(value: string, mask = "***"): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.password) url.password = mask;
  for (const name of new Set(url.searchParams.keys())) {
    if (!SECRET_PARAM.test(name)) continue;
    if (mask) url.searchParams.set(name, mask);
    else url.searchParams.delete(name);
  }
  return url.href;
}
