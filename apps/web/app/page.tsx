export default function Home() {
  return (
    <main>
      <h1>authsvc</h1>
      <p>
        One authentication service behind five sign-in doors: email and password, phone codes, and
        banking MPIN, with one user store, one session system and a typed API.
      </p>
      <p>
        In development, codes the service sends are kept in the outbox: <code>/dev/outbox</code> (page
        coming soon) or <code>GET /api/dev/outbox?to=…</code>.
      </p>
    </main>
  );
}
