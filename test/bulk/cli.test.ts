import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { makeOrganization, makeSnils } from '../helpers/factories.js';

const run = promisify(execFile);

t.test('npm run import: a file from the shell, with a summary and the failed lines', async (t) => {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  const directory = await mkdtemp(join(tmpdir(), 'ltc-import-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const client = (externalId: string, fields: Record<string, unknown> = {}) =>
    JSON.stringify({
      externalId,
      lastName: 'Шелл',
      firstName: 'Ольга',
      birthDate: '1937-07-07',
      sex: 'female',
      snils: makeSnils(),
      careForm: 'home',
      livingSituation: 'lonely',
      socialSupport: 3,
      ...fields,
    });
  const file = join(directory, 'clients.ndjson');
  await writeFile(file, [client('S-1'), client('S-2', { socialSupport: 9 }), client('S-3')].join('\n'));
  const importFile = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', '--org', organizationId, ...args], {
      env: { ...process.env, DATABASE_URL: testApp.database.url, LOG_LEVEL: 'warn' },
    }).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  const count = async () =>
    (await testApp.database.db.selectFrom('clients').select('id').where('organization_id', '=', organizationId).execute()).length;

  const atomic = await importFile('--atomic', file);
  t.equal(atomic.code, 1);
  t.match(atomic.stdout, /line 2: .*\/socialSupport/);
  t.match(atomic.stdout, /with atomic=true nothing was imported/);
  t.equal(await count(), 0);

  const first = await importFile(file);
  t.equal(first.code, 1, 'a failed line makes the exit code 1');
  t.match(first.stdout, /line 2: The line breaks its schema.*\[\/socialSupport must be <= 4\]/);
  t.match(first.stdout, /clients: 3 lines, 2 created, 0 updated, 0 unchanged, 1 failed/);
  t.match(first.stderr, /100%\s+3 lines/, 'progress on stderr');
  t.equal(await count(), 2);

  const again = await importFile('--type', 'clients', file);
  t.match(again.stdout, /clients: 3 lines, 0 created, 0 updated, 2 unchanged, 1 failed/);
  t.equal(await count(), 2);

  const usage = await importFile();
  t.equal(usage.code, 2);
  t.match(usage.stderr, /usage: npm run import/);
});
