// npm run key:create -- --role admin --name ops [--organization ID]: prints a new API key's secret once.
import { Value } from '@sinclair/typebox/value';
import { CreateApiKeySchema } from '../api-keys/schemas.js';
import { createApiKey } from '../api-keys/service.js';
import { systemContext } from '../context/request-context.js';
import { parseFlags, withDatabase } from './database.js';

const flags = parseFlags(process.argv.slice(2));
const input = { name: flags.name, role: flags.role, ...(flags.organization ? { organizationId: flags.organization } : {}) };

if (!Value.Check(CreateApiKeySchema, input)) {
  console.error('usage: npm run key:create -- --role admin|regional|provider|medical_partner --name NAME [--organization ID]');
  for (const error of Value.Errors(CreateApiKeySchema, input)) console.error(`  ${error.path || '/'}: ${error.message}`);
  process.exit(2);
}

await withDatabase(async ({ db }) => {
  const key = await systemContext(db, 'key-create').write((tx) => createApiKey(tx, input));
  console.error(`created ${key.role} key ${key.id} (${key.name}); the secret is shown only now:`);
  console.log(key.secret);
}).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
