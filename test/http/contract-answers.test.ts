/*
 * Issue 15: every answer of `app.inject` is checked against the contract for its operation,
 * status and media type (test/helpers/contract-answers.ts); a mismatch fails the request's test.
 * The routes here drift on purpose. They are added to this file's application before it is ready,
 * so the contract it generates documents them as they are declared.
 */
import { Type } from '@sinclair/typebox';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

t.test('answers checked against the contract', async (t) => {
  const { app } = await buildTestApp(t);
  const Thing = Type.Object({ id: Type.String() }, { additionalProperties: false });
  // A string payload is sent as it is, past the response serializer, as a hand-built answer would be.
  app.get('/drift/things/:id', { schema: { response: { 200: Thing } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    return reply.type('application/json').send(id === 'numeric' ? '{"id":5}' : JSON.stringify({ id }));
  });
  // Typed loosely: the type provider would rightly refuse a status the schema does not list.
  app.get('/drift/status', { schema: { response: { 200: Thing } } }, async (_request, reply) => reply.code(409 as 200).send({ id: 'x' }));
  app.get('/drift/media', { schema: { response: { 200: Thing } } }, async (_request, reply) => reply.type('text/plain').send('x'));

  await t.test('an answer as its operation documents it passes', async (t) => {
    t.equal((await app.inject({ method: 'GET', url: '/drift/things/abc' })).statusCode, 200);
    t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200);
  });

  await t.test('a body that breaks its schema fails, naming the operation, status, error and body', async (t) => {
    await t.rejects(app.inject({ method: 'GET', url: '/drift/things/numeric' }), {
      message: /GET \/drift\/things\/\{id\} → 200 application\/json.*\/id must be string.*body: \{"id":5\}/s,
    });
  });

  await t.test('a status the operation does not document fails', async (t) => {
    await t.rejects(app.inject({ method: 'GET', url: '/drift/status' }), { message: /status 409 is not documented \(documented: 200/ });
  });

  await t.test('a media type the status does not document fails', async (t) => {
    await t.rejects(app.inject({ method: 'GET', url: '/drift/media' }), { message: /media type text\/plain is not documented for 200/ });
  });

  await t.test('the not-found answer of no route is checked as a Problem; Swagger UI is outside the contract', async (t) => {
    t.equal((await app.inject({ method: 'GET', url: '/v2/nothing' })).statusCode, 404);
    t.equal((await app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200);
  });
});
