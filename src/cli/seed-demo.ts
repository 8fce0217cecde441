// npm run seed:demo: adds the demo data set to the configured database (once).
import { seedDemo } from '../demo/seed.js';
import { withDatabase } from './database.js';

await withDatabase(async ({ db }) => {
  const summary = await seedDemo(db);
  if (!summary.created) {
    console.log('the demo data is already there');
    return;
  }
  console.log('demo data added: 3 organizations, 3 departments, 18 staff');
  console.log(`provider key of the Ivanovo center (shown once): ${summary.providerKey}`);
});
