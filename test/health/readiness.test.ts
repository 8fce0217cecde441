import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ADMIN_KEY } from '../helpers/app.js';
import { checkAnswersAgainstContract } from '../helpers/contract-answers.js';

// This file runs a PostgreSQL server of its own, because it stops and restarts it.
t.test('readiness follows the database down and back up without a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ltc-ready-'));
  let server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  const db = createDatabase({ connectionString: server.url, poolSize: 2 });
  await migrateToLatest(db);
  const config = loadConfig({ DATABASE_URL: server.url, API_ADMIN_KEY: ADMIN_KEY });
  const app = await buildApp({ config, db, logger: pino({ level: 'silent' }) });
  checkAnswersAgainstContract(app);
  t.teardown(async () => {
    await app.close();
    await db.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const ready = () => app.inject({ method: 'GET', url: '/health/ready' });
  const listOrganizations = () =>
    app.inject({ method: 'GET', url: '/v1/organizations', headers: { authorization: `Bearer ${ADMIN_KEY}` } });

  t.equal((await ready()).statusCode, 200, 'ready while the database is up');

  await server.stop();
  const down = await ready();
  t.equal(down.statusCode, 503, 'not ready while the database is down');
  t.equal(down.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(down.json().status, 503);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200, 'still alive: the process is fine');
  const request = await listOrganizations();
  t.equal(request.statusCode, 503, 'an API request is a 503 problem, not a hang or a 500');
  t.equal(request.json().type, '/problems/database-unavailable');

  server = await startEmbeddedPostgres({ dataDir, ephemeral: true, port: server.port });
  t.equal((await ready()).statusCode, 200, 'ready again once the database is back');
  t.equal((await listOrganizations()).statusCode, 200, 'and the API works again');
});
