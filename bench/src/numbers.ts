/** Rounding for the table and the JSON. */
export const MB = (b: number) => Math.round(b / 1048576);
export const r2 = (v: number) => Math.round(v * 100) / 100;
