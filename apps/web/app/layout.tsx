import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "../src/components/site-header";
import { LocaleProvider } from "../src/i18n/client";
import { serverLocale } from "../src/i18n/server";
import { currentUser, devOutboxShown } from "../src/server/session";
import { TRPCProvider } from "../src/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: "authsvc",
  description: "One authentication service for every sign-in door.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [locale, user, outbox] = await Promise.all([serverLocale(), currentUser(), devOutboxShown()]);
  return (
    <html lang={locale}>
      <body>
        <LocaleProvider locale={locale}>
          <TRPCProvider>
            <SiteHeader locale={locale} signedIn={Boolean(user)} admin={user?.role === "admin"} devOutbox={outbox} />
            <main id="main" tabIndex={-1} className="content">
              {children}
            </main>
          </TRPCProvider>
        </LocaleProvider>
      </body>
    </html>
  );
}
