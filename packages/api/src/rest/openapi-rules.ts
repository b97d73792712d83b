import type { Auth } from "@authsvc/core";

/**
 * Rules a request field obeys that are settings of the running service rather than constants
 * (the password policy, the phone regions). A field's zod schema carries only the rule's name
 * (`.meta(describedBy(...))`); the document fills the rule in from the options it is served
 * with, so it states the bounds core enforces at that moment.
 */
export type RuntimeRule = "servicePassword" | "phoneNumber";

export type ServiceOptions = Pick<Auth["ctx"]["options"], "password" | "defaultCountry" | "smsCountries" | "publicUrl">;

const MARKER = "x-authsvc-rule";

export const describedBy = (rule: RuntimeRule): Record<string, unknown> => ({ [MARKER]: rule });

function ruleSchema(rule: RuntimeRule, options: ServiceOptions): Record<string, unknown> {
  switch (rule) {
    case "servicePassword": {
      const { minLength, maxLength } = options.password;
      return { minLength, maxLength, description: `${minLength} to ${maxLength} characters; a common password is refused (400).` };
    }
    case "phoneNumber":
      return {
        description:
          `A phone number: international with a leading + (E.164, at most 15 digits), or national as dialled in ${options.defaultCountry}. ` +
          `Only numbers of ${options.smsCountries.join(", ")} are accepted.`,
      };
  }
}

/** The JSON Schema with every rule marker replaced by the rule's keywords (in place). */
export function fillRules(schema: unknown, options: ServiceOptions): void {
  if (Array.isArray(schema)) return schema.forEach((s) => fillRules(s, options));
  if (!schema || typeof schema !== "object") return;
  const node = schema as Record<string, unknown>;
  const rule = node[MARKER] as RuntimeRule | undefined;
  if (rule) {
    delete node[MARKER];
    Object.assign(node, ruleSchema(rule, options));
  }
  for (const value of Object.values(node)) fillRules(value, options);
}
