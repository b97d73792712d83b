import { defineMessages } from "./define";

/** The REST API page's own words; what the OpenAPI document says (summaries, schemas) stays as written there. */
export const apiDocsMessages = defineMessages({
  en: {
    title: "REST API",
    introBefore:
      "The documented routes of the five login systems this service replaces, each answering in its own envelope. The machine-readable description is",
    introMiddle: "(OpenAPI 3.1); new clients should prefer the typed API at",
    introAfter: ".",
    documentLanguage: "Family names, route summaries, field descriptions and schemas below are quoted from that document, in English.",
    loading: "Loading…",
    failed: "Could not load the API description: {error}",
    bearer: "(bearer token)",
    operationId: "Operation id",
    parameters: "Parameters",
    in_path: "path",
    in_query: "query",
    requestBody: "Request body",
    example: "Example",
    answers: "Answers",
    retryAfter: "with a Retry-After header (seconds)",
    answerSchema: "Schema of the {status} answer",
  },
  id: {
    title: "REST API",
    introBefore:
      "Rute terdokumentasi dari lima sistem masuk yang digantikan layanan ini, masing-masing menjawab dalam amplopnya sendiri. Deskripsi yang dapat dibaca mesin ada di",
    introMiddle: "(OpenAPI 3.1); klien baru sebaiknya memakai API bertipe di",
    introAfter: ".",
    documentLanguage: "Nama keluarga rute, ringkasan rute, keterangan kolom, dan skema di bawah dikutip dari dokumen tersebut, dalam bahasa Inggris.",
    loading: "Memuat…",
    failed: "Deskripsi API tidak dapat dimuat: {error}",
    bearer: "(perlu token bearer)",
    operationId: "Id operasi",
    parameters: "Parameter",
    in_path: "jalur",
    in_query: "kueri",
    requestBody: "Isi permintaan",
    example: "Contoh",
    answers: "Jawaban",
    retryAfter: "dengan header Retry-After (detik)",
    answerSchema: "Skema jawaban {status}",
  },
});
