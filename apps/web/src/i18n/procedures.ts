import { defineMessages } from "./define";

/** /docs/api's typed procedures section (app/docs/api/procedure-reference.tsx). */
export const procedureMessages = defineMessages({
  en: {
    title: "Typed procedures (tRPC)",
    intro:
      "Every procedure of the typed API at /api/trpc, generated from its router (the same list as docs/api.md in the repository). A query is GET /api/trpc/<procedure>?input=<JSON>, a mutation POST /api/trpc/<procedure> with the input as its JSON body.",
    errorsIntro:
      "A refusal carries its code in error.data.authCode. Each procedure lists the codes it can answer beyond the common ones: INVALID_INPUT for input its schema refuses, and, signed in, UNAUTHORIZED, or FORBIDDEN for a cookie-borne change from another site.",
    public: "public",
    session: "signed in",
    admin: "admin only",
    stepUp: "needs step-up",
    stepUpConditional: "may need step-up",
    stepUpHint: "Step-up: the session must have proved its holder within the last few minutes (security.stepUp), else STEP_UP_REQUIRED.",
    input: "Input (JSON Schema)",
    inputOptional: "The whole input may be left out.",
    noInput: "No input.",
    output: "Answer (TypeScript type)",
    errors: "Errors",
    commonErrorsOnly: "Only the common ones.",
  },
  id: {
    title: "Prosedur bertipe (tRPC)",
    intro:
      "Semua prosedur API bertipe di /api/trpc, dibuat dari router-nya (daftar yang sama dengan docs/api.md di repositori). Query adalah GET /api/trpc/<prosedur>?input=<JSON>, mutation adalah POST /api/trpc/<prosedur> dengan input sebagai isi JSON. Deskripsi prosedur dalam bahasa Inggris.",
    errorsIntro:
      "Penolakan membawa kodenya di error.data.authCode. Setiap prosedur mencantumkan kode yang dapat dijawabnya selain kode umum: INVALID_INPUT untuk input yang ditolak skemanya, dan, bila masuk, UNAUTHORIZED, atau FORBIDDEN untuk perubahan lewat cookie dari situs lain.",
    public: "publik",
    session: "perlu masuk",
    admin: "khusus admin",
    stepUp: "perlu verifikasi ulang",
    stepUpConditional: "mungkin perlu verifikasi ulang",
    stepUpHint:
      "Verifikasi ulang (step-up): sesi harus telah membuktikan pemiliknya dalam beberapa menit terakhir (security.stepUp), jika tidak STEP_UP_REQUIRED.",
    input: "Input (JSON Schema)",
    inputOptional: "Seluruh input boleh dihilangkan.",
    noInput: "Tanpa input.",
    output: "Jawaban (tipe TypeScript)",
    errors: "Galat",
    commonErrorsOnly: "Hanya yang umum.",
  },
});
