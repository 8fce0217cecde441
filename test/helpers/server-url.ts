/** The migrated database every test file clones. */
export const TEMPLATE_DATABASE = 'ltc_test_template';

/** The same server URL pointing at another database. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
