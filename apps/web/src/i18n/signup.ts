import { CODE_LENGTH, FULL_NAME_MAX_LENGTH, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from "@authsvc/core/vocabulary";
import { defineMessages } from "./define";

export const signupMessages = defineMessages({
  en: {
    title: "Create an account",
    intro: `We email you a ${CODE_LENGTH}-digit code to confirm the address; the account exists once you enter it.`,
    email: "Email",
    emailHint: "The code to confirm your account goes here.",
    password: "Password",
    fullName: "Full name",
    username: "Username",
    usernameHint: `${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} letters, digits, dots, dashes or underscores. You log in with it and your PIN.`,
    phone: "Phone number (optional)",
    phoneHint: "For example 0812 3456 7890 or +62 812 3456 7890. After your email, we text a code to verify it.",
    submit: "Create account",
    haveAccount: "Already have an account?",
    login: "Log in",
    // Shown at a field when the request shape was refused before any rule ran.
    invalidEmail: "Enter your email address, like name@example.com.",
    invalidFullName: `Use at most ${FULL_NAME_MAX_LENGTH} characters.`,
    invalidUsername: `Usernames are ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} letters, digits, dots, dashes or underscores.`,
    invalidPhone: "Enter a phone number, like 0812 3456 7890.",
  },
  id: {
    title: "Buat akun",
    intro: `Kami mengirim kode ${CODE_LENGTH} digit ke email Anda untuk mengonfirmasi alamatnya; akun dibuat setelah Anda memasukkannya.`,
    email: "Email",
    emailHint: "Kode untuk mengonfirmasi akun dikirim ke sini.",
    password: "Kata sandi",
    fullName: "Nama lengkap",
    username: "Nama pengguna",
    usernameHint: `${USERNAME_MIN_LENGTH} sampai ${USERNAME_MAX_LENGTH} huruf, angka, titik, tanda hubung, atau garis bawah. Dipakai untuk masuk dengan PIN.`,
    phone: "Nomor telepon (opsional)",
    phoneHint: "Misalnya 0812 3456 7890 atau +62 812 3456 7890. Setelah email, kami mengirim kode SMS untuk memverifikasinya.",
    submit: "Buat akun",
    haveAccount: "Sudah punya akun?",
    login: "Masuk",
    invalidEmail: "Masukkan alamat email, misalnya nama@contoh.com.",
    invalidFullName: `Gunakan maksimal ${FULL_NAME_MAX_LENGTH} karakter.`,
    invalidUsername: `Nama pengguna ${USERNAME_MIN_LENGTH} sampai ${USERNAME_MAX_LENGTH} huruf, angka, titik, tanda hubung, atau garis bawah.`,
    invalidPhone: "Masukkan nomor telepon, misalnya 0812 3456 7890.",
  },
});

export const verifyMessages = defineMessages({
  en: {
    title: "Confirm your email",
    missing: "This link is missing its sign-up details.",
    signupAgain: "Sign up again",
    pending: "Waiting for the code. It expires in {time}.",
    pendingSoon: "Waiting for the code.",
    expired: "This code has expired. Use “Send a new code” below to get a fresh one.",
    verified: "This email is already confirmed and the account exists.",
    login: "Log in",
    notFound: "We could not find this sign-up. It may have been replaced by a newer one.",
    submit: "Confirm and create account",
    wrongEmail: "Wrong address?",
  },
  id: {
    title: "Konfirmasi email Anda",
    missing: "Tautan ini tidak berisi data pendaftaran.",
    signupAgain: "Daftar lagi",
    pending: "Menunggu kode. Kedaluwarsa dalam {time}.",
    pendingSoon: "Menunggu kode.",
    expired: "Kode ini sudah kedaluwarsa. Gunakan “Kirim kode baru” di bawah untuk mendapatkan kode baru.",
    verified: "Email ini sudah dikonfirmasi dan akunnya sudah ada.",
    login: "Masuk",
    notFound: "Pendaftaran ini tidak ditemukan. Mungkin sudah diganti dengan pendaftaran yang lebih baru.",
    submit: "Konfirmasi dan buat akun",
    wrongEmail: "Alamat salah?",
  },
});

/** The second code of the sign-up: the phone given with it, proven right after the email. */
export const phoneStepMessages = defineMessages({
  en: {
    title: "Verify your phone number",
    intro: "Your email is confirmed and your account is ready. One more step: verify the phone number you gave.",
    submit: "Verify phone number",
    later: "Later",
    laterNote: "Until you verify it, this number does not log you in to this account. You can verify it any time on your account page.",
  },
  id: {
    title: "Verifikasi nomor telepon Anda",
    intro: "Email Anda sudah dikonfirmasi dan akun Anda siap. Satu langkah lagi: verifikasi nomor telepon yang Anda berikan.",
    submit: "Verifikasi nomor telepon",
    later: "Nanti saja",
    laterNote: "Selama belum diverifikasi, nomor ini tidak dapat dipakai untuk masuk ke akun ini. Anda dapat memverifikasinya kapan saja di halaman akun Anda.",
  },
});
