import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

t.test('a second process on the same DATA_DIR shares the running embedded server', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ltc-shared-'));
  const owner = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  t.teardown(async () => {
    await owner.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const guest = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  t.equal(guest.port, owner.port, 'the running server, not a second one');
  await guest.stop();
  const client = new pg.Client({ connectionString: owner.url });
  await client.connect();
  const { rows } = await client.query('SELECT 1 AS one');
  await client.end();
  t.equal(rows[0].one, 1, 'the guest leaves stopping to the owner');
});
