import { ClientParams } from '../assessments/schemas.js';
import { Page } from '../http/common-schemas.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { CareVisitAlreadyCorrected, CareVisitRuleViolated, ClientTakesNoVisits } from './problems.js';
import {
  CareDeliveryQuery,
  CareDeliverySchema,
  CareServiceList,
  CareVisitListQuery,
  CareVisitParams,
  CareVisitSchema,
  CorrectCareVisitSchema,
  CreateCareVisitSchema,
} from './schemas.js';
import { careDelivery, careServices, correctVisit, createVisit, getVisit, toVisit, visitsOf } from './service.js';

const tags = ['care-visits'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const careVisitRoutes: Routes = async (app) => {
  app.get(
    '/v1/care-services',
    {
      schema: {
        tags,
        operationId: 'listCareServices',
        summary: 'The catalog of home-care services a visit may name',
        description: 'Data loaded by a migration: a new service is a new code, and a code in use stays.',
        response: { 200: CareServiceList },
      },
      config: { access: readers },
    },
    async (request) => ({ items: await careServices(request.ctx), next: null }),
  );

  app.post(
    '/v1/clients/:clientId/care-visits',
    {
      schema: {
        tags,
        operationId: 'createCareVisit',
        summary: 'Record a home-care visit: who, when, how long, which services',
        description:
          'Only an active client served at home (care form `home`), not archived, takes visits (422 otherwise). A visit is never ' +
          'changed or deleted: a mistake is put right by a correction.',
        params: ClientParams,
        body: CreateCareVisitSchema,
        response: { 201: CareVisitSchema, ...problemResponses(400, 404, ClientTakesNoVisits, CareVisitRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'care_visit', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createVisit(tx, request.params.clientId, request.body));
      return reply.code(201).header('location', `/v1/clients/${row.client_id}/care-visits/${row.id}`).send(toVisit(row));
    },
  );

  app.post(
    '/v1/clients/:clientId/care-visits/:visitId/corrections',
    {
      schema: {
        tags,
        operationId: 'correctCareVisit',
        summary: 'Correct a visit by a new one, or void it',
        description:
          'The correction is a new visit that `corrects` this one, with the `reason`: the fields given replace the visit’s, the ' +
          'others are kept; `voided: true` says the visit did not take place. The corrected visit stays, with `supersededBy`, ' +
          'and no longer counts. A visit is corrected once (409 for a second correction, even at the same time); correct the ' +
          'correction instead.',
        params: CareVisitParams,
        body: CorrectCareVisitSchema,
        response: { 201: CareVisitSchema, ...problemResponses(400, 404, CareVisitAlreadyCorrected, CareVisitRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'care_visit', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const { clientId, visitId } = request.params;
      const row = await request.ctx.write((tx) => correctVisit(tx, clientId, visitId, request.body));
      return reply.code(201).header('location', `/v1/clients/${row.client_id}/care-visits/${row.id}`).send(toVisit(row));
    },
  );

  app.get(
    '/v1/clients/:clientId/care-visits',
    {
      schema: {
        tags,
        operationId: 'listCareVisits',
        summary: 'A client’s visits, of a month or all, corrected ones included',
        description: 'In the order they were recorded. `counted` tells the visits that count from the corrected and voided ones.',
        params: ClientParams,
        querystring: CareVisitListQuery,
        response: { 200: Page(CareVisitSchema, 'CareVisitPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) =>
      paginate(request, await visitsOf(request.ctx, request.params.clientId, request.query.month), 'care_visits', (rows) =>
        rows.map(toVisit),
      ),
  );

  app.get(
    '/v1/clients/:clientId/care-visits/:visitId',
    {
      schema: {
        tags,
        operationId: 'getCareVisit',
        summary: 'A visit, with the correction that supersedes it',
        params: CareVisitParams,
        response: { 200: CareVisitSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => toVisit(await getVisit(request.ctx, request.params.clientId, request.params.visitId)),
  );

  app.get(
    '/v1/clients/:clientId/care-delivery',
    {
      schema: {
        tags,
        operationId: 'getCareDelivery',
        summary: 'Care delivered against care entitled, week by week of a month',
        description:
          'Every ISO week (Monday to Sunday) with a day in the month. Only counted visits on days of the month count (a visit ' +
          'counts wholly on the day it starts, on the organization’s clock). A week’s entitlement is the one in force on its ' +
          'last day in the month: the optimal, minimal and living-situation weekly hours of the latest final assessment, or ' +
          'of the commission decision in force on it; a week partly in the month is entitled to weekly × daysInMonth / 7. ' +
          '`belowMinimal`: delivered hours below that prorated minimum.',
        params: ClientParams,
        querystring: CareDeliveryQuery,
        response: { 200: CareDeliverySchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => careDelivery(request.ctx, request.params.clientId, request.query.month),
  );
};

export default careVisitRoutes;
