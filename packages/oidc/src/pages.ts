import { LOCALE_COOKIE, pickLocale, type Locale } from "@authsvc/core/vocabulary";
import type { KoaContextWithOIDC } from "oidc-provider";

/**
 * The few pages the provider itself renders (its logout confirmation, the note after it, and
 * an error): plain HTML in the service's two languages, no script, our page styles' basics.
 * Everything else the person sees (sign-in, consent) is the web app's.
 */


const TEXT = {
  en: {
    logoutTitle: "Sign out?",
    logoutText: "The app asked to sign you out. This also signs you out of this service on this browser.",
    logoutYes: "Sign out",
    logoutNo: "Stay signed in",
    doneTitle: "Signed out",
    doneText: "You are signed out. You can close this page.",
    errorTitle: "This request cannot go on",
    errorText: "The app sent a request this service cannot accept. Go back to the app and try again.",
    home: "Go to your account",
  },
  id: {
    logoutTitle: "Keluar?",
    logoutText: "Aplikasi meminta Anda keluar. Ini juga mengeluarkan Anda dari layanan ini di peramban ini.",
    logoutYes: "Keluar",
    logoutNo: "Tetap masuk",
    doneTitle: "Sudah keluar",
    doneText: "Anda sudah keluar. Halaman ini boleh ditutup.",
    errorTitle: "Permintaan ini tidak dapat dilanjutkan",
    errorText: "Aplikasi mengirim permintaan yang tidak dapat diterima layanan ini. Kembali ke aplikasi dan coba lagi.",
    home: "Ke akun Anda",
  },
} as const;

/** As every page of the site picks it: the language switch's cookie, then the browser's order. */
export function localeOf(cookieHeader: string | undefined, acceptLanguage: string | undefined): Locale {
  const chosen = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]*)`).exec(cookieHeader ?? "")?.[1];
  return pickLocale(chosen, acceptLanguage);
}

const textFor = (ctx: KoaContextWithOIDC) => TEXT[localeOf(ctx.get("cookie"), ctx.get("accept-language"))];
const langOf = (ctx: KoaContextWithOIDC) => localeOf(ctx.get("cookie"), ctx.get("accept-language"));

const STYLE = `body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1b1f24;margin:0}
main{max-width:26rem;margin:12vh auto;background:#fff;border:1px solid #d9dde3;border-radius:12px;padding:2rem}
h1{font-size:1.4rem;margin:0 0 .75rem}p{line-height:1.5}.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button,a.button{font:inherit;padding:.6rem 1rem;border-radius:8px;border:1px solid #1d4ed8;cursor:pointer;text-decoration:none}
button.primary{background:#1d4ed8;color:#fff}button.secondary{background:#fff;color:#1d4ed8}`;

function page(lang: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

/**
 * Sets the answer's own CSP: these pages have no script at all, and their one inline style
 * is allowed by its hash-free `style-src 'unsafe-inline'` only (no external loads).
 */
function send(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = "html";
  ctx.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'");
  ctx.set("cache-control", "no-store");
  ctx.body = html;
}

/**
 * RP-initiated logout's confirmation: the library's form (its xsrf token and the logout
 * request) with our words; "stay signed in" sends the same form without `logout`.
 */
export function logoutPage(ctx: KoaContextWithOIDC, form: string): void {
  const t = textFor(ctx);
  // The library's form is empty but for hidden inputs; its buttons point at it by id.
  send(
    ctx,
    page(
      langOf(ctx),
      t.logoutTitle,
      `<p>${t.logoutText}</p>${form}<div class="actions">
<button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes">${t.logoutYes}</button>
<button class="secondary" type="submit" form="op.logoutForm">${t.logoutNo}</button></div>`,
    ),
  );
}

export function logoutDonePage(ctx: KoaContextWithOIDC): void {
  const t = textFor(ctx);
  send(ctx, page(langOf(ctx), t.doneTitle, `<p>${t.doneText}</p><p><a href="/account">${t.home}</a></p>`));
}

/** The library's own error page would show its message; ours says what to do, and names the error code only. */
export function errorPage(ctx: KoaContextWithOIDC, out: { error: string }): void {
  const t = textFor(ctx);
  const code = String(out.error).replace(/[^\w.-]/g, "");
  send(ctx, page(langOf(ctx), t.errorTitle, `<p>${t.errorText}</p><p><code>${code}</code></p><p><a href="/account">${t.home}</a></p>`));
}
