import { defineMessages } from "./define";

export const passwordMessages = defineMessages({
  en: {
    length: "{min} to {max} characters",
    notCommon: "Not a common password",
    checking: "Checking…",
    met: "met",
    notMet: "not met",
    policyTitle: "Password policy",
    show: "Show password",
    too_short: "Use at least {min} characters.",
    too_long: "Use at most {max} characters.",
    common: "That password is too common. Choose another.",
  },
  id: {
    length: "{min} sampai {max} karakter",
    notCommon: "Bukan kata sandi yang umum",
    checking: "Memeriksa…",
    met: "terpenuhi",
    notMet: "belum terpenuhi",
    policyTitle: "Ketentuan kata sandi",
    show: "Tampilkan kata sandi",
    too_short: "Gunakan minimal {min} karakter.",
    too_long: "Gunakan maksimal {max} karakter.",
    common: "Kata sandi itu terlalu umum. Pilih yang lain.",
  },
});
