"use client";

import { useId, type ReactNode, type SelectHTMLAttributes } from "react";

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
}

/** A labelled select with its hint attached, styled like Field. */
export function SelectField({ label, hint, children, ...select }: SelectFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-describedby={hintId} {...select}>
        {children}
      </select>
      {hint ? (
        <div id={hintId} className="hint">
          {hint}
        </div>
      ) : null}
    </div>
  );
}
