import { spawnSync } from 'node:child_process';
import t from 'tap';

t.test(
  'examples/client/schema.d.ts is what openapi-typescript generates from openapi/openapi.json (run `npm run client:types`)',
  async (t) => {
    const check = spawnSync('npx', ['openapi-typescript', 'openapi/openapi.json', '-o', 'examples/client/schema.d.ts', '--check'], {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
    });
    t.equal(check.status, 0, `openapi-typescript --check: ${check.stdout}${check.stderr}`);
  },
);
