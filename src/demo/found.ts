/** The demo data names only rows it created: one missing is a bug of the demo's code. */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The demo data has no ${what}.`);
  return value;
}
