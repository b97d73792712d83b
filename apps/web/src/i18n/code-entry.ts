import { CODE_LENGTH } from "@authsvc/core/vocabulary";
import { defineMessages } from "./define";

export const codeEntryMessages = defineMessages({
  en: {
    sentTo: `We sent a ${CODE_LENGTH}-digit code to {to}.`,
    codeLabel: "Code",
    codeHint: `${CODE_LENGTH} digits. You can paste the whole code.`,
    verify: "Verify",
    resend: "Send a new code",
    resendIn: "You can ask for a new code in {time}.",
    resent: "A new code is on its way. The old one no longer works.",
    locked: "Too many wrong codes. Wait, then ask for a new code.",
    wholeCode: `Enter the ${CODE_LENGTH} digits of the code.`,
  },
  id: {
    sentTo: `Kami mengirim kode ${CODE_LENGTH} digit ke {to}.`,
    codeLabel: "Kode",
    codeHint: `${CODE_LENGTH} digit. Anda bisa menempelkan seluruh kode.`,
    verify: "Verifikasi",
    resend: "Kirim kode baru",
    resendIn: "Anda dapat meminta kode baru dalam {time}.",
    resent: "Kode baru sedang dikirim. Kode lama tidak berlaku lagi.",
    locked: "Terlalu banyak kode salah. Tunggu, lalu minta kode baru.",
    wholeCode: `Masukkan ${CODE_LENGTH} digit kode.`,
  },
});
