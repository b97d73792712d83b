import { Fragment } from "react";
import { readableContact } from "./readable-contact";

/**
 * An email address or phone number for reading: a number grouped and kept on one line, an
 * address allowed to break only after its "@" or a dot when the line is too short for it
 * (never at a hyphen, which would read as part of the address).
 */
export function Contact({ value }: { value: string }) {
  const text = readableContact(value);
  if (!text.includes("@")) return <span className="nowrap">{text}</span>;
  const parts = text.split(/(?<=[@.])/);
  return (
    <span className="address">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          <span>{part}</span>
        </Fragment>
      ))}
    </span>
  );
}
