import { defineMessages } from "./define";

export const homeMessages = defineMessages({
  en: {
    title: "One sign-in for every app",
    intro: "Sign up with your email, log in with a password, a code sent to your phone, or your PIN, and manage where you are signed in.",
    signup: "Create an account",
    login: "Log in",
    account: "Go to your account",
    outbox: "Trying it locally? Codes and links the service sends are in the dev outbox.",
    developers: "Developers: the typed API is at /api/trpc and the REST routes are described on the API page.",
    notFoundTitle: "Page not found",
    notFoundText: "There is nothing at this address.",
    notFoundHome: "Go to the home page",
  },
  id: {
    title: "Satu akun masuk untuk semua aplikasi",
    intro: "Daftar dengan email, masuk dengan kata sandi, kode yang dikirim ke ponsel, atau PIN, dan kelola di mana Anda masuk.",
    signup: "Buat akun",
    login: "Masuk",
    account: "Buka akun Anda",
    outbox: "Mencoba secara lokal? Kode dan tautan yang dikirim layanan ada di kotak keluar dev.",
    developers: "Pengembang: API bertipe ada di /api/trpc dan rute REST dijelaskan di halaman API.",
    notFoundTitle: "Halaman tidak ditemukan",
    notFoundText: "Tidak ada apa pun di alamat ini.",
    notFoundHome: "Ke halaman utama",
  },
});
