"use client";

import { useEffect, type RefObject } from "react";

/**
 * After a refused submit, keyboard and screen-reader users land on the first field to fix
 * instead of hunting for it; `problem` is whatever changes on each refusal.
 */
export function useFocusInvalid(container: RefObject<HTMLElement | null>, problem: unknown) {
  useEffect(() => {
    if (!problem) return;
    container.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [container, problem]);
}
