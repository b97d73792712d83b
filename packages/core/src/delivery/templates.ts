import type { Locale } from "../vocabulary";

export type { Locale };
export type MessagePurpose =
  | "signup"
  | "login"
  | "verify_email"
  | "verify_phone"
  | "password_reset"
  | "pin_reset"
  | "password_changed"
  /** To an account's owner: a proof elsewhere took an unproven phone or email off the account (users/claims.ts). */
  | "claim_removed"
  /** To an account's owner: its second factors changed, or a recovery code was used (factors/notices.ts). */
  | "factor_added"
  | "factor_removed"
  | "factors_reset"
  | "recovery_code_used";

export interface TemplateInput {
  code?: string;
  link?: string;
  minutes: number;
  /** claim_removed: which identifier left the account, and it masked (enough to tell, not to use). */
  removed?: "phone" | "email";
  masked?: string;
  /** password_changed: which sessions ended with it: all of them (a reset), or all but the one that changed it. */
  signedOut?: "all" | "others";
}

interface Rendered {
  subject: string;
  text: string;
}

const enNotices = {
  factor_added: () => ({
    subject: "A second factor was added to your account",
    text: "A second factor (an authenticator app or a passkey) was just added to your account. If this was not you, reset your password and contact us.",
  }),
  factor_removed: () => ({
    subject: "A second factor was removed from your account",
    text: "A second factor was just removed from your account. If this was not you, reset your password and contact us.",
  }),
  factors_reset: () => ({
    subject: "Your account's second factors were reset",
    text: "An administrator reset your account's second factors. You now sign in without a second factor until you add one again.",
  }),
  recovery_code_used: () => ({
    subject: "A recovery code was used",
    text: "One of your account's recovery codes was just used to sign in. If this was not you, reset your password and contact us.",
  }),
} satisfies Record<string, (i: TemplateInput) => Rendered>;

const en: Record<MessagePurpose, (i: TemplateInput) => Rendered> = {
  ...enNotices,
  signup: (i) => ({ subject: "Your sign-up code", text: `Your sign-up code is ${i.code}. It expires in ${i.minutes} minutes.` }),
  login: (i) => ({ subject: "Your login code", text: `Your login code is ${i.code}. It expires in ${i.minutes} minutes. Never share it.` }),
  verify_email: (i) => ({ subject: "Verify your email", text: `Your email verification code is ${i.code}. It expires in ${i.minutes} minutes.` }),
  verify_phone: (i) => ({ subject: "Verify your phone", text: `Your phone verification code is ${i.code}. It expires in ${i.minutes} minutes.` }),
  password_reset: (i) => ({
    subject: "Reset your password",
    text:
      `Your password reset code is ${i.code}. It expires in ${i.minutes} minutes.` +
      (i.link ? `\nOr open this link within 30 minutes: ${i.link}` : "") +
      "\nIf you did not ask for this, ignore this message.",
  }),
  pin_reset: (i) => ({ subject: "Reset your PIN", text: `Your PIN reset code is ${i.code}. It expires in ${i.minutes} minutes.` }),
  password_changed: (i) => ({
    subject: "Your password was changed",
    text:
      i.signedOut === "all"
        ? "Your password was reset, and every session was signed out, on every device. If this was not you, reset your password now."
        : "Your password was changed, and every other session was signed out: only the device that changed it stays signed in. If this was not you, reset your password now.",
  }),
  claim_removed: (i) => {
    const what = i.removed === "email" ? "email address" : "phone number";
    return {
      subject: `An unverified ${what} was removed from your account`,
      text:
        `The ${what} ${i.masked ?? ""} was on your account but was never verified. Someone verified it with a code, ` +
        `so it was removed from your account and now belongs to a separate account. Nothing else on your account changed. ` +
        `If it is yours, you can add it to your account again and verify it with a code.`,
    };
  },
};

const idNotices = {
  factor_added: () => ({
    subject: "Faktor kedua ditambahkan ke akun Anda",
    text: "Faktor kedua (aplikasi autentikator atau passkey) baru saja ditambahkan ke akun Anda. Jika ini bukan Anda, atur ulang kata sandi dan hubungi kami.",
  }),
  factor_removed: () => ({
    subject: "Faktor kedua dihapus dari akun Anda",
    text: "Faktor kedua baru saja dihapus dari akun Anda. Jika ini bukan Anda, atur ulang kata sandi dan hubungi kami.",
  }),
  factors_reset: () => ({
    subject: "Faktor kedua akun Anda diatur ulang",
    text: "Seorang admin mengatur ulang faktor kedua akun Anda. Anda kini masuk tanpa faktor kedua sampai Anda menambahkannya lagi.",
  }),
  recovery_code_used: () => ({
    subject: "Kode pemulihan digunakan",
    text: "Salah satu kode pemulihan akun Anda baru saja digunakan untuk masuk. Jika ini bukan Anda, atur ulang kata sandi dan hubungi kami.",
  }),
} satisfies Record<string, (i: TemplateInput) => Rendered>;

const id: Record<MessagePurpose, (i: TemplateInput) => Rendered> = {
  ...idNotices,
  signup: (i) => ({ subject: "Kode pendaftaran Anda", text: `Kode pendaftaran Anda adalah ${i.code}. Berlaku ${i.minutes} menit.` }),
  login: (i) => ({ subject: "Kode masuk Anda", text: `Kode masuk Anda adalah ${i.code}. Berlaku ${i.minutes} menit. Jangan bagikan kode ini.` }),
  verify_email: (i) => ({ subject: "Verifikasi email Anda", text: `Kode verifikasi email Anda adalah ${i.code}. Berlaku ${i.minutes} menit.` }),
  verify_phone: (i) => ({ subject: "Verifikasi nomor Anda", text: `Kode verifikasi nomor Anda adalah ${i.code}. Berlaku ${i.minutes} menit.` }),
  password_reset: (i) => ({
    subject: "Atur ulang kata sandi",
    text:
      `Kode atur ulang kata sandi Anda adalah ${i.code}. Berlaku ${i.minutes} menit.` +
      (i.link ? `\nAtau buka tautan ini dalam 30 menit: ${i.link}` : "") +
      "\nAbaikan pesan ini jika Anda tidak memintanya.",
  }),
  pin_reset: (i) => ({ subject: "Atur ulang PIN", text: `Kode atur ulang PIN Anda adalah ${i.code}. Berlaku ${i.minutes} menit.` }),
  password_changed: (i) => ({
    subject: "Kata sandi Anda telah diubah",
    text:
      i.signedOut === "all"
        ? "Kata sandi Anda telah diatur ulang, dan semua sesi telah dikeluarkan, di semua perangkat. Jika ini bukan Anda, segera atur ulang kata sandi."
        : "Kata sandi Anda telah diubah, dan semua sesi lain telah dikeluarkan: hanya perangkat yang mengubahnya yang tetap masuk. Jika ini bukan Anda, segera atur ulang kata sandi.",
  }),
  claim_removed: (i) => {
    const what = i.removed === "email" ? "Alamat email" : "Nomor telepon";
    return {
      subject: `${what} yang belum terverifikasi dihapus dari akun Anda`,
      text:
        `${what} ${i.masked ?? ""} ada di akun Anda tetapi belum pernah diverifikasi. Seseorang memverifikasinya dengan kode, ` +
        `sehingga ${what.toLowerCase()} itu dihapus dari akun Anda dan kini milik akun lain. Hal lain di akun Anda tidak berubah. ` +
        `Jika itu milik Anda, Anda dapat menambahkannya lagi ke akun Anda dan memverifikasinya dengan kode.`,
    };
  },
};

const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The HTML body is the text body, escaped, with the code made prominent and the link
 * clickable: one template per purpose, so the two bodies can never say different things.
 */
function toHtml(r: Rendered, input: TemplateInput, locale: Locale): string {
  let body = escapeHtml(r.text).replace(/\n/g, "<br>\n");
  if (input.code) {
    body = body.replace(
      escapeHtml(input.code),
      `<strong style="font-size:24px;letter-spacing:4px;font-family:monospace">${escapeHtml(input.code)}</strong>`,
    );
  }
  if (input.link) {
    const link = escapeHtml(input.link);
    body = body.replace(link, `<a href="${link}">${link}</a>`);
  }
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(r.subject)}</title></head><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1d21"><p>${body}</p></body></html>`;
}

/** The subject and text only: what an SMS carries. */
export function renderText(purpose: MessagePurpose, locale: Locale, input: TemplateInput): Rendered {
  return (locale === "id" ? id : en)[purpose](input);
}

export function renderMessage(purpose: MessagePurpose, locale: Locale, input: TemplateInput): Rendered & { html: string } {
  const rendered = renderText(purpose, locale, input);
  return { ...rendered, html: toHtml(rendered, input, locale) };
}
