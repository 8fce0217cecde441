import Fastify from 'fastify';
import t from 'tap';
import requestContext from '../../src/context/plugin.js';
import auth from '../../src/http/auth.js';
import { Type } from '@sinclair/typebox';
import { problemResponses, ProblemSchema } from '../../src/http/problem.js';
import { InternalError } from '../../src/http/problems.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';

/** Just the plugins that declare and check routes, with a database that is never reached. */
async function bareApp() {
  const app = Fastify();
  app.addSchema(ProblemSchema);
  await app.register(auth, { db: {} as never });
  await app.register(requestContext);
  return app;
}

const access = { roles: ['admin'] } as const;

t.test('a /v1 write route without an audit declaration does not start', async (t) => {
  const app = await bareApp();
  t.teardown(() => app.close());
  t.throws(
    () => app.post('/v1/undeclared', { config: { access } }, async () => ({})),
    /Route POST \/v1\/undeclared does not declare its audit/,
  );
});

t.test('a declared write route, a read and a public route start', async (t) => {
  const app = await bareApp();
  t.teardown(() => app.close());
  app.post('/v1/declared', { config: { access, audit: { action: 'create', resource: 'thing' } } }, async () => ({}));
  app.get('/v1/read', { config: { access } }, async () => ({}));
  app.post('/public/thing', async () => ({}));
  await t.resolves(async () => {
    await app.ready();
  });
});

t.test('every write route of the service declares its audit', async (t) => {
  const { app } = await buildTestApp(t);
  await t.resolves(async () => {
    await app.ready();
  }, 'the service starts, so each of its /v1 writes declares one');
});

t.test('the unit of work', async (t) => {
  const { app, call, database } = await buildTestApp(t);
  const audit = { action: 'create', resource: 'probe', id: 'result.id', client: 'body.clientId' } as const;
  // Documented as they answer: every answer of a test is checked against the contract.
  const schema = { response: { 200: Type.Object({ id: Type.String() }), ...problemResponses(InternalError) } };
  app.post('/v1/probes/forgetful', { schema, config: { access, audit } }, async () => ({ id: 'not-written' }));
  app.post('/v1/probes/written', { schema, config: { access, audit } }, async (request) =>
    request.ctx.write(async (tx) => {
      await tx.db
        .insertInto('questionnaire_templates')
        .values({ id: 'probe-written', definition: JSON.stringify({}) })
        .execute();
      return { id: 'probe-written' };
    }),
  );
  app.post('/v1/probes/failing', { schema, config: { access, audit } }, async (request) =>
    request.ctx.write(async (tx) => {
      await tx.db
        .insertInto('questionnaire_templates')
        .values({ id: 'probe-failing', definition: JSON.stringify({}) })
        .execute();
      throw new Error('after the write');
    }),
  );
  const events = (id: string) => database.db.selectFrom('audit_events').selectAll().where('resource_id', '=', id).execute();
  const template = (id: string) => database.db.selectFrom('questionnaire_templates').select('id').where('id', '=', id).executeTakeFirst();
  const clientId = '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1';

  t.test('commits the write with its declared audit event', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/probes/written', payload: { clientId } });
    t.equal(response.statusCode, 200);
    t.ok(await template('probe-written'));
    t.match(await events('probe-written'), [
      { action: 'create', resource_type: 'probe', client_id: clientId, role: 'admin', outcome: 'allowed' },
    ]);
  });

  t.test('a failure inside it leaves neither the write nor its event', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/probes/failing', payload: {} });
    t.equal(response.statusCode, 500);
    t.notOk(await template('probe-failing'));
    t.same(await events('probe-failing'), []);
  });

  t.test('a write route answering without it is a 500, not a silent success', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/probes/forgetful', payload: {} });
    t.equal(response.statusCode, 500);
    t.equal(response.json().type, '/problems/internal-error');
    t.same(await events('not-written'), []);
  });
});
