import type { AddressInfo } from 'node:net';
import t from 'tap';
import { registerAndAssess, registryClient } from '../../examples/client/flow.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeSnils } from '../helpers/factories.js';

t.test('the typed client of examples/ runs organization → staff → client → assessment → group and hours → report over HTTP', async (t) => {
  const { app } = await buildTestApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  const result = await registerAndAssess(registryClient(`http://127.0.0.1:${port}`, ADMIN_KEY), {
    snils: makeSnils(),
    assessedOn: '2026-01-15',
  });

  // The heaviest option of every home-form item scores the form's maximum: group 6, lives alone.
  t.equal(result.group, 6, "the client's record shows the assessment's dependency group");
  t.same(result.hours, { optimal: 28, minimal: 25, byLivingSituation: 22 }, 'weekly care hours of group 6, lives alone');
  t.match(
    result.reportRow,
    {
      activeClients: 1,
      groups: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1 },
      neverAssessed: 0,
      hours: { optimal: 28, minimal: 25, byLivingSituation: 22 },
    },
    'the regional report counts the client in group 6 with their hours',
  );
});
