import { Type } from '@sinclair/typebox';
import { finalHistory } from '../assessments/repository.js';
import { ClientParams } from '../assessments/schemas.js';
import { toAssessments } from '../assessments/service.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { RepresentativeNotEmpowered } from '../carers/problems.js';
import { AgreementDatesInvalid, AgreementPartiesInvalid, ConsentDateFuture } from './problems.js';
import { agreementsQuery } from './repository.js';
import {
  AgreementListQuery,
  AgreementSchema,
  ConsentSchema,
  CreateAgreementSchema,
  CreateConsentSchema,
  PartnerAssessmentSchema,
  PartnerClientSchema,
  PartnerSearchQuery,
  UpdateAgreementSchema,
} from './schemas.js';
import {
  addConsent,
  createAgreement,
  getAgreement,
  listConsents,
  partnerClient,
  toAgreement,
  toConsent,
  toPartnerAssessment,
  toPartnerClient,
  updateAgreement,
} from './service.js';

const regionalOnly = { roles: ['admin', 'regional'] } as const;
const partnerOnly = { roles: ['medical_partner'] } as const;

const partnerRoutes: Routes = async (app, { instruments }) => {
  app.post(
    '/v1/agreements',
    {
      schema: {
        tags: ['agreements'],
        operationId: 'createAgreement',
        summary: 'Register an agreement on interagency cooperation with a medical organization',
        body: CreateAgreementSchema,
        response: { 201: AgreementSchema, ...problemResponses(400, AgreementPartiesInvalid, AgreementDatesInvalid) },
      },
      config: { access: regionalOnly, audit: { action: 'create', resource: 'agreement' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createAgreement(tx, request.body));
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/agreements/${row.id}`).send(toAgreement(row));
    },
  );

  app.get(
    '/v1/agreements',
    {
      schema: {
        tags: ['agreements'],
        operationId: 'listAgreements',
        summary: 'List agreements',
        querystring: AgreementListQuery,
        response: { 200: Page(AgreementSchema, 'AgreementPage'), ...problemResponses(400) },
      },
      config: { access: regionalOnly },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, agreementsQuery(request.ctx, filter), 'agreements', (rows) => rows.map(toAgreement));
    },
  );

  app.get(
    '/v1/agreements/:id',
    {
      schema: {
        tags: ['agreements'],
        operationId: 'getAgreement',
        summary: 'Get an agreement',
        params: IdParams,
        response: { 200: AgreementSchema, ...problemResponses(400, 404) },
      },
      config: { access: regionalOnly },
    },
    async (request, reply) => {
      const row = await getAgreement(request.ctx, request.params.id);
      setEtag(reply, row.version);
      return toAgreement(row);
    },
  );

  app.patch(
    '/v1/agreements/:id',
    {
      schema: {
        tags: ['agreements'],
        operationId: 'updateAgreement',
        summary: 'Change, suspend or terminate an agreement',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateAgreementSchema,
        response: { 200: AgreementSchema, ...problemResponses(400, 404, 412, AgreementPartiesInvalid, AgreementDatesInvalid, 428) },
      },
      config: { access: regionalOnly, audit: { action: 'update', resource: 'agreement' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateAgreement(tx, request.params.id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toAgreement(row);
    },
  );

  app.post(
    '/v1/clients/:clientId/consents',
    {
      schema: {
        tags: ['consents'],
        operationId: 'recordConsent',
        summary: 'Record a client’s consent to share medical data, or its revocation',
        description:
          'The latest record of a kind (by date, then entry) decides. The client signs, or a representative of the client ' +
          '(`representativeId`) whose document is valid on the consent’s date; either grants partner access the same way.',
        params: ClientParams,
        body: CreateConsentSchema,
        response: { 201: ConsentSchema, ...problemResponses(400, 404, ConsentDateFuture, RepresentativeNotEmpowered) },
      },
      config: {
        access: { roles: ['admin', 'provider'] },
        audit: { action: 'create', resource: 'consent', client: 'params.clientId' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => addConsent(tx, request.params.clientId, request.body));
      return reply.code(201).send(toConsent(row));
    },
  );

  app.get(
    '/v1/clients/:clientId/consents',
    {
      schema: {
        tags: ['consents'],
        operationId: 'listConsents',
        summary: 'A client’s consent records, oldest first',
        params: ClientParams,
        response: { 200: Type.Object({ items: Type.Array(ConsentSchema), next: Type.Null() }), ...problemResponses(400, 404) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request) => ({ items: (await listConsents(request.ctx, request.params.clientId)).map(toConsent), next: null }),
  );

  const partnerDescription =
    'Only within an active agreement that covers the client’s organization and has the assessments scope, and while the ' +
    'client’s consent is granted; every other case answers the same 404 as an unknown client. Every request is audited.';

  app.get(
    '/v1/partner/clients',
    {
      schema: {
        tags: ['partner'],
        operationId: 'findPartnerClient',
        summary: 'Find a client by exact SNILS (medical partners)',
        description: partnerDescription,
        querystring: PartnerSearchQuery,
        response: { 200: PartnerClientSchema, ...problemResponses(400, 404) },
      },
      config: { access: partnerOnly },
    },
    async (request) => toPartnerClient(await partnerClient(request.ctx, request.ip, { snils: request.query.snils }, 'client')),
  );

  app.get(
    '/v1/partner/clients/:id',
    {
      schema: {
        tags: ['partner'],
        operationId: 'getPartnerClient',
        summary: 'A client’s functional state (medical partners)',
        description: partnerDescription,
        params: IdParams,
        response: { 200: PartnerClientSchema, ...problemResponses(400, 404) },
      },
      config: { access: partnerOnly },
    },
    async (request) => toPartnerClient(await partnerClient(request.ctx, request.ip, { clientId: request.params.id }, 'client')),
  );

  app.get(
    '/v1/partner/clients/:id/assessments',
    {
      schema: {
        tags: ['partner'],
        operationId: 'listPartnerAssessments',
        summary: 'A client’s final assessments with the item breakdown (medical partners)',
        description: partnerDescription,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(PartnerAssessmentSchema), next: Type.Null() }), ...problemResponses(400, 404) },
      },
      config: { access: partnerOnly },
    },
    async (request) => {
      const client = await partnerClient(request.ctx, request.ip, { clientId: request.params.id }, 'assessment');
      const assessments = await toAssessments(request.ctx, instruments, await finalHistory(request.ctx, client.id));
      return { items: assessments.map(toPartnerAssessment), next: null };
    },
  );
};

export default partnerRoutes;
