import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemContext } from '../context/request-context.js';
import type { Db } from '../db/database.js';
import { findActiveKeyBySecret } from './repository.js';
import { hashSecret } from './secrets.js';
import { createApiKey } from './service.js';

/**
 * On the embedded default with no API_ADMIN_KEY, a newcomer needs a key to try the API at once:
 * create an admin key on first start and leave it in DATA_DIR/admin-key, readable by the owner
 * only. Returns the file's path.
 */
export async function ensureFirstRunAdminKey(db: Db, dataDir: string): Promise<string> {
  const path = resolve(join(dataDir, 'admin-key'));
  if (existsSync(path)) {
    const secret = (await readFile(path, 'utf8')).trim();
    if (await findActiveKeyBySecret(db, hashSecret(secret))) return path;
  }
  const { secret } = await systemContext(db, 'first-run').write((tx) => createApiKey(tx, { name: 'first-run admin', role: 'admin' }));
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return path;
}
