// npm run seed:demo: adds the demo data set to the configured database (once).
import { seedDemo } from '../demo/seed.js';
import { InstrumentCatalog } from '../instruments/catalog.js';
import { withDatabase } from './database.js';

await withDatabase(async ({ db }) => {
  const summary = await seedDemo(db, new InstrumentCatalog(db));
  if (!summary.created) {
    console.log('the demo data is already there');
    return;
  }
  console.log(
    'demo data added: 3 organizations, 3 departments, 18 staff, 10 clients with assessments, three months of activities with attendance, ' +
      'a support program each, four months of questionnaires and observations, specialist reports and the monthly monitoring reports of the last three full months',
  );
  console.log(`provider key of the Ivanovo center (shown once): ${summary.providerKey}`);
  console.log(`the latest full month's monitoring report, to print: GET /v1/monitoring-reports/${summary.monitoringReportId}?format=html`);
});
