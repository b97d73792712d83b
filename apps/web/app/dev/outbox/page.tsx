import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { outboxMessages } from "../../../src/i18n/outbox";
import { serverLocale } from "../../../src/i18n/server";
import { devOutboxShown } from "../../../src/server/session";
import { Outbox } from "./outbox";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${outboxMessages[await serverLocale()].title} · authsvc`, robots: { index: false } };
}

export default async function OutboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Awaited first so the page is rendered per request: at build time there is no bridge and no outbox.
  await searchParams;
  // Refused exactly as when the outbox is off: another machine learns nothing, not even that it exists.
  if (!(await devOutboxShown())) notFound();
  const t = outboxMessages[await serverLocale()];
  return (
    <div className="stack">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <Suspense>
        <Outbox />
      </Suspense>
    </div>
  );
}
