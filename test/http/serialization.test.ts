import t from 'tap';
import { Type } from '@sinclair/typebox';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { ClientSchema } from '../../src/clients/schemas.js';
import { Page } from '../../src/http/common-schemas.js';
import { withNullableTypes } from '../../src/http/serialization.js';

t.test('nullable values of one type and unions of string literals become type lists', async (t) => {
  const uuid = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'an id or null' });
  t.same(withNullableTypes(uuid), { description: 'an id or null', type: ['string', 'null'], format: 'uuid' });
  const summary = Type.Union([Type.Object({ id: Type.String() }), Type.Null()]);
  t.match(withNullableTypes(summary), { type: ['object', 'null'], properties: { id: { type: 'string' } } });
  t.same(withNullableTypes(Type.Union([Type.Literal('female'), Type.Literal('male')])), { type: 'string' });
  t.same(withNullableTypes(Type.Union([Type.Literal('a'), Type.Literal('b'), Type.Null()])), { type: ['string', 'null'] });
  const mixed = Type.Union([Type.String(), Type.Integer()]);
  t.same(withNullableTypes(mixed), { anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'two types stay a union');
  const nested = Type.Union([Type.Union([Type.String(), Type.Integer()]), Type.Null()]);
  t.equal((withNullableTypes(nested) as { anyOf?: unknown }).anyOf?.constructor, Array, 'a union inside stays one');
  t.same(uuid.anyOf.length, 2, 'the schema itself is left as it was (the contract is generated from it)');
});

t.test('a page of clients serializes to the same JSON either way', async (t) => {
  const schema = Page(ClientSchema, 'ClientPage');
  // Fastify's own serializer compiler, as it compiles a response schema.
  const compile = (schema: object) => SerializerSelector()({}, {})({ schema, method: 'GET', url: '/v1/clients', httpStatus: '200' });
  const asUnions = compile(schema);
  const asTypeLists = compile(withNullableTypes(schema) as object);
  const client = {
    id: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
    organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b2',
    departmentId: null,
    lastName: 'Иванова "Мария"',
    firstName: 'Мария',
    middleName: null,
    birthDate: '1941-05-09',
    sex: 'female',
    snils: '11223344595',
    careForm: 'home',
    livingSituation: 'lives_alone',
    socialSupport: 2,
    status: 'active',
    externalId: 'IVS-000123',
    address: 'ул. Ленина, 1\nкв. 2',
    notes: null,
    latestAssessment: null,
    archivedAt: null,
    createdAt: '2026-12-04T04:00:00.000Z',
    updatedAt: '2026-12-04T04:00:00.000Z',
  };
  const assessed = {
    ...client,
    departmentId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b3',
    middleName: 'Петровна',
    notes: 'заметка',
    archivedAt: '2026-12-04T05:00:00.000Z',
    latestAssessment: {
      id: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b4',
      instrumentId: 'home-v1',
      assessedOn: '2026-11-30',
      score: 7.25,
      group: 3,
      computedGroup: 2,
      decisionId: null,
      selfCareReduction: 'none',
      nextCheckOn: '2027-05-30',
      reassessmentOverdue: false,
      nearBoundary: true,
    },
  };
  const page = { items: [client, assessed], next: null };
  t.equal(asTypeLists(page), asUnions(page));
  t.same(JSON.parse(asTypeLists(page)), page);
});
