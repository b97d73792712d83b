import { procedureReference, readableJson, type ProcedureDoc } from "@authsvc/api/reference";
import { procedureMessages } from "../../../src/i18n/procedures";
import { serverLocale } from "../../../src/i18n/server";
import styles from "./procedure-reference.module.css";

type Words = (typeof procedureMessages)["en"];

/** A JSDoc sentence, its `backticked` words as code. */
function Prose({ text }: { text: string }) {
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part));
}

function Procedure({ p, t }: { p: ProcedureDoc; t: Words }) {
  return (
    <details className="operation" id={`procedure-${p.path}`}>
      <summary>
        <code className="method">{p.type}</code> <code>{p.path}</code>
        <span className={styles.badge}>{t[p.access]}</span>
        {p.stepUp ? (
          <span className={`${styles.badge} ${styles.stepUp}`} title={t.stepUpHint}>
            {p.stepUp === "always" ? t.stepUp : t.stepUpConditional}
          </span>
        ) : null}
        {p.description ? (
          <>
            {" — "}
            <Prose text={p.description} />
          </>
        ) : null}
      </summary>
      <h4>{t.input}</h4>
      {p.input ? (
        <>
          {p.input.optional ? <p>{t.inputOptional}</p> : null}
          <pre>{readableJson(p.input.schema)}</pre>
        </>
      ) : (
        <p>{t.noInput}</p>
      )}
      <h4>{t.output}</h4>
      <pre>{p.output}</pre>
      <h4>{t.errors}</h4>
      {p.errors.length ? (
        <ul className={styles.errors}>
          {p.errors.map((e) => (
            <li key={e.code}>
              <code>{e.code}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t.commonErrorsOnly}</p>
      )}
    </details>
  );
}

/** The typed API's procedures, from the reference packages/api generates from its router (docs/api.md is the same). */
export async function ProcedureReference() {
  const t = procedureMessages[await serverLocale()];
  return (
    <section aria-labelledby="procedures">
      <h2 id="procedures">{t.title}</h2>
      <p>{t.intro}</p>
      <p>{t.errorsIntro}</p>
      <p>{t.stepUpHint}</p>
      {procedureReference.routers.map((router) => (
        <section key={router.name} aria-labelledby={`procedures-${router.name}`}>
          <h3 id={`procedures-${router.name}`}>
            <code>{router.name}</code>
          </h3>
          {router.description ? (
            <p>
              <Prose text={router.description} />
            </p>
          ) : null}
          {router.procedures.map((p) => (
            <Procedure key={p.path} p={p} t={t} />
          ))}
        </section>
      ))}
    </section>
  );
}
