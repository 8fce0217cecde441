import type { Db } from '../db/database.js';
import type { Instrument } from './schemas.js';

export async function loadInstruments(db: Db): Promise<Instrument[]> {
  const rows = await db.selectFrom('instruments').select(['definition']).orderBy('id').execute();
  return rows.map((row) => row.definition);
}
