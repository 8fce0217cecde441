import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('loadConfig', async (t) => {
  t.test('applies the documented defaults', async (t) => {
    const config = loadConfig({});
    t.match(config, {
      HOST: '127.0.0.1',
      PORT: 3000,
      LOG_LEVEL: 'info',
      DATA_DIR: './.data',
      MIGRATE_ON_START: true,
      CORS_ORIGINS: '',
      BODY_LIMIT_BYTES: 1048576,
    });
    t.equal(config.DATABASE_URL, undefined);
  });

  t.test('converts numbers and booleans from their text', async (t) => {
    const config = loadConfig({ PORT: '8080', MIGRATE_ON_START: 'false' });
    t.equal(config.PORT, 8080);
    t.equal(config.MIGRATE_ON_START, false);
  });

  t.test('names every bad variable at once', async (t) => {
    const error = t.throws(() =>
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://db/x', API_ADMIN_KEY: 'short' }),
    ) as ConfigError;
    t.type(error, ConfigError);
    const named = error.problems.map((problem) => problem.split(':')[0]).sort();
    t.same(named, ['API_ADMIN_KEY', 'DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    t.match(error.message, /PORT: .*"eighty"/);
  });

  t.test('METRICS_TOKEN is unset by default and, like an admin key, at least 24 characters', async (t) => {
    t.equal(loadConfig({}).METRICS_TOKEN, undefined);
    const error = t.throws(() => loadConfig({ METRICS_TOKEN: 'short-token' })) as ConfigError;
    t.match(error.problems, [/^METRICS_TOKEN: /]);
    t.equal(loadConfig({ METRICS_TOKEN: 'x'.repeat(24) }).METRICS_TOKEN, 'x'.repeat(24));
  });
});

t.test('the service refuses to start on a bad configuration, with one line per variable', async (t) => {
  const run = promisify(execFile);
  const failure = await run('npx', ['tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '99999', MIGRATE_ON_START: 'perhaps' },
  }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  t.ok(failure, 'the process fails');
  t.equal(failure?.code, 1);
  t.match(failure?.stderr, /PORT: /);
  t.match(failure?.stderr, /MIGRATE_ON_START: /);
  t.notMatch(failure?.stderr, /at .*\.ts:\d+/, 'a message, not a stack trace');
});
