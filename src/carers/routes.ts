import { ClientParams } from '../assessments/schemas.js';
import { Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { CarerRuleViolated, RepresentativeRuleViolated } from './problems.js';
import {
  CarerSchema,
  ClientListPageQuery,
  ClientRecordParams,
  CreateCarerSchema,
  CreateRepresentativeSchema,
  RepresentativeSchema,
  UpdateCarerSchema,
  UpdateRepresentativeSchema,
} from './schemas.js';
import {
  carersOf,
  createCarer,
  createRepresentative,
  getCarer,
  getRepresentative,
  representativesOf,
  toCarer,
  toCarers,
  toRepresentative,
  updateCarer,
  updateRepresentative,
} from './service.js';

const tags = ['carers'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const personalData =
  'Personal data of a third person (name, contacts): read by the organization that serves the client and the regional department, ' +
  'never by medical partners, never logged.';

const carerRoutes: Routes = async (app) => {
  app.post(
    '/v1/clients/:clientId/carers',
    {
      schema: {
        tags,
        operationId: 'createCarer',
        summary: 'Register a family carer of a client (родственник, осуществляющий уход)',
        description: `A relative or someone else who cares for the client. ${personalData}`,
        params: ClientParams,
        body: CreateCarerSchema,
        response: { 201: CarerSchema, ...problemResponses(400, 404, CarerRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'carer', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createCarer(tx, request.params.clientId, request.body));
      setEtag(reply, row.version);
      return reply
        .code(201)
        .header('location', `/v1/clients/${row.client_id}/carers/${row.id}`)
        .send(await toCarer(request.ctx, row));
    },
  );

  app.get(
    '/v1/clients/:clientId/carers',
    {
      schema: {
        tags,
        operationId: 'listCarers',
        summary: 'A client’s carers, and which of them the school of care trained',
        description:
          'Carers who stopped caring stay listed (`caring: false`). `trained` is true once the carer attended sessions of the ' +
          'school of care that together covered every topic of a course; `training` shows the progress per course.',
        params: ClientParams,
        querystring: ClientListPageQuery,
        response: { 200: Page(CarerSchema, 'CarerPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) =>
      paginate(request, await carersOf(request.ctx, request.params.clientId), 'carers', (rows) => toCarers(request.ctx, rows)),
  );

  app.get(
    '/v1/clients/:clientId/carers/:id',
    {
      schema: {
        tags,
        operationId: 'getCarer',
        summary: 'A carer of a client, with their training',
        params: ClientRecordParams,
        response: { 200: CarerSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getCarer(request.ctx, request.params.clientId, request.params.id);
      setEtag(reply, row.version);
      return toCarer(request.ctx, row);
    },
  );

  app.patch(
    '/v1/clients/:clientId/carers/:id',
    {
      schema: {
        tags,
        operationId: 'updateCarer',
        summary: 'Change a carer, or end their care',
        description:
          'Needs If-Match. A carer who stops caring is ended with `caresUntil`, never deleted: the sessions they attended stay ' +
          'theirs. `null` clears a field.',
        params: ClientRecordParams,
        headers: IfMatchHeaders,
        body: UpdateCarerSchema,
        response: { 200: CarerSchema, ...problemResponses(400, 404, 412, CarerRuleViolated, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'carer', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const { clientId, id } = request.params;
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateCarer(tx, clientId, id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toCarer(request.ctx, row);
    },
  );

  app.post(
    '/v1/clients/:clientId/representatives',
    {
      schema: {
        tags,
        operationId: 'createRepresentative',
        summary: 'Register a representative of a client (законный представитель) with the document that empowers them',
        description:
          'A guardian, a trustee or an attorney, by a guardianship decision, a court decision or a power of attorney. A ' +
          `representative may sign a consent for the client while the document is valid. ${personalData}`,
        params: ClientParams,
        body: CreateRepresentativeSchema,
        response: { 201: RepresentativeSchema, ...problemResponses(400, 404, RepresentativeRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'representative', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createRepresentative(tx, request.params.clientId, request.body));
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/clients/${row.client_id}/representatives/${row.id}`).send(toRepresentative(row));
    },
  );

  app.get(
    '/v1/clients/:clientId/representatives',
    {
      schema: {
        tags,
        operationId: 'listRepresentatives',
        summary: 'A client’s representatives',
        description: 'Representatives whose document has ended stay listed (`empowered: false`): the consents they signed name them.',
        params: ClientParams,
        querystring: ClientListPageQuery,
        response: { 200: Page(RepresentativeSchema, 'RepresentativePage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) =>
      paginate(request, await representativesOf(request.ctx, request.params.clientId), 'representatives', (rows) =>
        rows.map((row) => toRepresentative(row)),
      ),
  );

  app.get(
    '/v1/clients/:clientId/representatives/:id',
    {
      schema: {
        tags,
        operationId: 'getRepresentative',
        summary: 'A representative of a client',
        params: ClientRecordParams,
        response: { 200: RepresentativeSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getRepresentative(request.ctx, request.params.clientId, request.params.id);
      setEtag(reply, row.version);
      return toRepresentative(row);
    },
  );

  app.patch(
    '/v1/clients/:clientId/representatives/:id',
    {
      schema: {
        tags,
        operationId: 'updateRepresentative',
        summary: 'Change a representative or their document, or end it',
        description:
          'Needs If-Match. `document` changes the fields it names; a representative whose powers end gets `document.validUntil`, ' +
          'never deleted. Consents signed while the document was valid stay valid.',
        params: ClientRecordParams,
        headers: IfMatchHeaders,
        body: UpdateRepresentativeSchema,
        response: { 200: RepresentativeSchema, ...problemResponses(400, 404, 412, RepresentativeRuleViolated, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'representative', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const { clientId, id } = request.params;
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateRepresentative(tx, clientId, id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toRepresentative(row);
    },
  );
};

export default carerRoutes;
