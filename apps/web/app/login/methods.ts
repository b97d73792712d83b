/** The login ways, in tab order; the selected one is `?method=` so it can be linked to. */
export const METHODS = ["password", "phone", "pin"] as const;
export type Method = (typeof METHODS)[number];

export const isMethod = (v: unknown): v is Method => METHODS.includes(v as Method);
