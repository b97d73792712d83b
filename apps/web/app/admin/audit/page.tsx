import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "../../../src/components/form-alert";
import { adminMessages, type AdminMessages } from "../../../src/i18n/admin";
import { fill } from "../../../src/i18n/define";
import { serverLocale } from "../../../src/i18n/server";
import { currentUser, requireUser, serverCaller } from "../../../src/server/session";
import { EventTable, type AuditRow } from "./event-table";
import { AccountFactors } from "./factors-form";
import { EventsHeading } from "./events-heading";
import { FilterForm } from "./filter-form";
import { auditHref, hasFilters, PAGE_SIZE, parseAuditQuery, type AuditQuery } from "./query";
import { RoleForm } from "./role-form";
import styles from "./audit.module.css";

export async function generateMetadata(): Promise<Metadata> {
  const [t, user] = [adminMessages[await serverLocale()], await currentUser()];
  const title = user && user.role !== "admin" ? t.forbiddenTitle : t.title;
  return { title: `${title} · authsvc`, robots: { index: false } };
}

/**
 * Signed in but not an admin. `forbidden()` would answer 403, but Next 16 allows it only with
 * experimental.authInterrupts; until that is on, the refusal is this page (HTTP 200).
 */
function AdminsOnly({ t }: { t: AdminMessages }) {
  return (
    <div className="stack">
      <h1>{t.forbiddenTitle}</h1>
      <FormAlert kind="info">{t.forbiddenText}</FormAlert>
      <p>{t.forbiddenHelp}</p>
      <p>
        <Link href="/account">{t.forbiddenBack}</Link>
      </p>
    </div>
  );
}

function summary(t: AdminMessages, query: AuditQuery, events: AuditRow[], more: boolean): string {
  if (events.length === 0) return query.before ? t.noneOlder : hasFilters(query) ? t.noneMatch : t.noneYet;
  const shown = more ? fill(t.countMore, { n: events.length }) : events.length === 1 ? t.count1 : fill(t.countN, { n: events.length });
  return query.before ? shown + fill(t.olderPage, { id: query.before }) : shown;
}

export default async function AuditPage({ searchParams }: PageProps<"/admin/audit">) {
  const { query, ignored } = parseAuditQuery(await searchParams);
  // Signed out: to login, and back to this very view after it.
  const [user, locale] = await Promise.all([requireUser(auditHref(query)), serverLocale()]);
  const t = adminMessages[locale];
  if (user.role !== "admin") return <AdminsOnly t={t} />;

  let page: { events: AuditRow[]; nextBefore: number | null } | null = null;
  const caller = await serverCaller();
  // The admin's own factors: what the reset's step-up can ask for.
  const own = (await caller.security.factors()).factors;
  try {
    page = await caller.admin.audit({ ...query, limit: PAGE_SIZE });
  } catch (err) {
    // The role was taken away since the session was read.
    if ((err as { code?: unknown }).code === "FORBIDDEN") return <AdminsOnly t={t} />;
  }

  return (
    <div className={`stack ${styles.wide}`}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <ul className={styles.jumps}>
        <li>
          <a href="#role-title">{t.jumpToRole}</a>
        </li>
        <li>
          <a href="#factors-title">{t.jumpToFactors}</a>
        </li>
        <li>
          <Link href="/admin/apps">{t.jumpToApps}</Link>
        </li>
      </ul>
      {ignored.length > 0 ? <FormAlert kind="info">{fill(t.ignored, { names: ignored.join(", ") })}</FormAlert> : null}

      <FilterForm query={query} />

      <section aria-labelledby="events-title" className="stack">
        <div className={styles.summary}>
          <EventsHeading id="events-title" page={query.before}>
            {t.events}
          </EventsHeading>
          <p role="status">{page ? summary(t, query, page.events, page.nextBefore !== null) : null}</p>
        </div>
        {!page ? (
          <FormAlert>{t.failed}</FormAlert>
        ) : page.events.length > 0 ? (
          <>
            <p className={`muted ${styles.scrollHint}`}>{t.scrollHint}</p>
            <EventTable events={page.events} query={query} />
          </>
        ) : null}
        {page && (page.nextBefore !== null || query.before !== undefined) ? (
          <nav aria-label={t.pages} className={styles.pager}>
            {page.nextBefore !== null ? (
              <Link href={auditHref({ ...query, before: page.nextBefore })} scroll={false}>
                {t.older}
              </Link>
            ) : null}
            {query.before !== undefined ? (
              <Link href={auditHref({ ...query, before: undefined })} scroll={false}>
                {t.newest}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="role-title" className="stack">
        <h2 id="role-title">{t.roleTitle}</h2>
        <p>{t.roleIntro}</p>
        <RoleForm selfId={user.id} />
      </section>

      <section aria-labelledby="factors-title" className="stack">
        <h2 id="factors-title">{t.factorsTitle}</h2>
        <p>{t.factorsIntro}</p>
        <AccountFactors self={{ hasTotp: own.some((f) => f.kind === "totp"), hasPasskey: own.some((f) => f.kind === "passkey") }} />
      </section>
    </div>
  );
}
