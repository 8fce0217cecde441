import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeKey, makeOrganization } from '../helpers/factories.js';

const body = (fields: Record<string, unknown> = {}) => ({
  url: 'https://eis.region.example/hooks/ltc',
  eventTypes: ['client.created', 'client.updated'],
  ...fields,
});

t.test('webhook subscriptions', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;
  const provider = (await makeKey(testApp, 'provider', center)).secret;
  const otherProvider = (await makeKey(testApp, 'provider', other)).secret;
  const regional = (await makeKey(testApp, 'regional')).secret;

  t.test('a provider subscribes its own organization and gets the secret once', async (t) => {
    const created = await call(provider, { method: 'POST', url: '/v1/subscriptions', payload: body({ description: 'ЕИС региона' }) });
    t.equal(created.statusCode, 201);
    const subscription = created.json();
    t.match(subscription, {
      url: 'https://eis.region.example/hooks/ltc',
      eventTypes: ['client.created', 'client.updated'],
      description: 'ЕИС региона',
      organizationId: center,
      status: 'active',
      backlog: { attempts: 0, failingSince: null, nextAttemptAt: null, lastError: null },
      version: 1,
    });
    t.match(subscription.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, '32 random bytes, Standard Webhooks form');
    t.equal(created.headers.location, `/v1/subscriptions/${subscription.id}`);
    const read = await call(provider, { method: 'GET', url: `/v1/subscriptions/${subscription.id}` });
    t.equal(read.statusCode, 200);
    t.notOk('secret' in read.json(), 'the secret is not answered again');
    t.equal(read.headers.etag, '"1"');

    t.equal((await call(otherProvider, { method: 'GET', url: `/v1/subscriptions/${subscription.id}` })).statusCode, 404);
    const othersList = await call(otherProvider, { method: 'GET', url: '/v1/subscriptions' });
    t.same(othersList.json().items, [], 'another organization’s provider lists none of it');
    const adminList = await call(ADMIN_KEY, { method: 'GET', url: '/v1/subscriptions' });
    t.ok(
      adminList.json().items.some((item: { id: string }) => item.id === subscription.id),
      'an admin lists every subscription',
    );
  });

  t.test('a provider cannot subscribe another organization; the region does not subscribe', async (t) => {
    const foreign = await call(provider, { method: 'POST', url: '/v1/subscriptions', payload: body({ organizationId: other }) });
    t.equal(foreign.statusCode, 403);
    t.equal(foreign.json().type, '/problems/other-organization');
    const own = await call(provider, { method: 'POST', url: '/v1/subscriptions', payload: body({ organizationId: center }) });
    t.equal(own.statusCode, 201, 'naming its own organization is allowed');
    t.equal((await call(regional, { method: 'POST', url: '/v1/subscriptions', payload: body() })).statusCode, 403);
    const everyone = await call(ADMIN_KEY, { method: 'POST', url: '/v1/subscriptions', payload: body() });
    t.equal(everyone.json().organizationId, null, 'an admin’s subscription is every organization’s unless it names one');
    const missing = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/subscriptions',
      payload: body({ organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1' }),
    });
    t.equal(missing.statusCode, 404);
  });

  t.test('bad subscriptions are refused naming the field', async (t) => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [body({ url: 'ftp://files.example/hooks' }), '/url'],
      [body({ url: 'not a url' }), '/url'],
      [body({ eventTypes: [] }), '/eventTypes'],
      [body({ eventTypes: ['client.deleted'] }), '/eventTypes/0'],
      [body({ eventTypes: ['decision.updated'] }), '/eventTypes/0'],
      [body({ eventTypes: ['client.created', 'client.created'] }), '/eventTypes'],
    ];
    for (const [payload, pointer] of cases) {
      const response = await call(provider, { method: 'POST', url: '/v1/subscriptions', payload });
      t.equal(response.statusCode, 400, JSON.stringify(payload));
      t.ok(
        response.json().errors.some((error: { pointer: string }) => error.pointer === pointer),
        `names ${pointer}: ${response.body}`,
      );
    }
  });

  t.test('a subscription is changed with If-Match, paused and resumed', async (t) => {
    const { id } = (await call(provider, { method: 'POST', url: '/v1/subscriptions', payload: body() })).json();
    const url = `/v1/subscriptions/${id}`;
    t.equal((await call(provider, { method: 'PATCH', url, payload: { status: 'paused' } })).statusCode, 428);
    const paused = await call(provider, { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { status: 'paused' } });
    t.equal(paused.statusCode, 200);
    t.match(paused.json(), { status: 'paused', version: 2 });
    const stale = await call(provider, { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { status: 'active' } });
    t.equal(stale.statusCode, 412);
    const resumed = await call(provider, {
      method: 'PATCH',
      url,
      headers: { 'if-match': '"2"' },
      payload: { status: 'active', eventTypes: ['assessment.created'] },
    });
    t.match(resumed.json(), { status: 'active', eventTypes: ['assessment.created'], version: 3 });
    const bad = await call(provider, { method: 'POST', url: `${url}/replay`, payload: { since: 'nonsense' } });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().errors[0].pointer, '/since');
  });
});
