import { sql } from 'kysely';
import t from 'tap';
import { InstrumentCatalog } from '../../src/instruments/catalog.js';
import { createTestDatabase } from '../helpers/database.js';

t.test('a form added by a newer instance’s migration after this one loaded is found when a stored assessment names it', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const catalog = new InstrumentCatalog(database.db);
  const loaded = await catalog.all();
  t.same(loaded.map((instrument) => instrument.id).sort(), ['bfd-home-2019', 'bfd-inpatient-2019'], 'loaded before the new form exists');

  // What a later data migration does: a new version beside the old one.
  const newer = { ...(await catalog.get('bfd-home-2019')), id: 'bfd-home-2027' };
  await sql`INSERT INTO instruments (id, care_form, definition) VALUES (${newer.id}, 'home', ${JSON.stringify(newer)}::jsonb)`.execute(
    database.db,
  );

  t.equal((await catalog.get('bfd-home-2027')).id, 'bfd-home-2027', 'the stored form is read again instead of failing');
  t.ok(await catalog.find('bfd-home-2027'), 'and known from then on');
  await t.rejects(catalog.get('no-such-form'), /not in the catalog/, 'a form that is not in the database is still an error');
});
