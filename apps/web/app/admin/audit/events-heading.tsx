"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * The results' heading. Paging (a new `before`) takes the reader to the top of the new page, focus
 * included, so keyboard and screen-reader users are not left at the foot of a table that changed.
 */
export function EventsHeading({ id, page, children }: { id: string; page: number | undefined; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(page);
  useEffect(() => {
    if (shown.current === page) return;
    shown.current = page;
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "start" });
  }, [page]);
  return (
    <h2 id={id} ref={heading} tabIndex={-1}>
      {children}
    </h2>
  );
}
