import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import { expectedVersion } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import { organizationScope } from '../http/auth.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { Conflict, NotFound, PreconditionFailed, invalidFields } from '../http/errors.js';
import { decodeCursor, toPage } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { ClientParams } from '../assessments/schemas.js';
import { getOrganization } from '../organizations/service.js';
import { CSV_CONTENT_TYPE, wantsCsv } from '../reports/csv.js';
import {
  ClientInputQuery,
  CreateObservationSchema,
  CreateQuestionnaireSchema,
  CreateSpecialistReportSchema,
  ObservationSchema,
  QuestionnaireSchema,
  SpecialistReportQuery,
  SpecialistReportSchema,
} from './input-schemas.js';
import { addObservation, addQuestionnaire, addSpecialistReport, toObservation, toQuestionnaire, toSpecialistReport } from './input-service.js';
import { findTemplate, listClientInputs, listSpecialistReports } from './input-repository.js';
import { buildMonthlyReport } from './report.js';
import {
  CreateMonitoringReportSchema,
  MonitoringReportListQuery,
  MonitoringReportSchema,
  ReportFormatQuery,
} from './report-schemas.js';
import { approveReport, findReport, insertReport, listReports, reportHistory, toReport } from './report-store.js';
import { reportCsv, reportHtml } from './render.js';

const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;
const tags = ['monitoring'];

const monitoringRoutes: Routes = async (app) => {
  const scopeOf = (request: FastifyRequest) => organizationScope(request.credential);

  app.post(
    '/v1/clients/:clientId/questionnaires',
    {
      schema: {
        tags,
        operationId: 'createQuestionnaire',
        summary: 'Record a client questionnaire (анкетирование)',
        description: 'Ratings 1-5 per quality-of-life component and satisfaction, on the versioned template (GET /v1/questionnaire-templates).',
        params: ClientParams,
        body: CreateQuestionnaireSchema,
        response: { 201: QuestionnaireSchema, ...problemResponses(400, 404, 422) },
      },
      config: { access: writers },
    },
    async (request, reply) => reply.code(201).send(toQuestionnaire(await addQuestionnaire(request.db, request.params.clientId, request.body, scopeOf(request)))),
  );

  app.get(
    '/v1/clients/:clientId/questionnaires',
    {
      schema: {
        tags,
        operationId: 'listQuestionnaires',
        summary: 'A client’s questionnaires',
        params: ClientParams,
        querystring: ClientInputQuery,
        response: { 200: Page(QuestionnaireSchema, 'QuestionnairePage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const client = await getClient(request.ctx, request.params.clientId);
      const { limit, cursor } = request.query;
      const rows = await listClientInputs(request.db, 'questionnaires', client.id, decodeCursor(cursor), limit);
      return toPage(request, rows, limit, toQuestionnaire);
    },
  );

  app.get(
    '/v1/questionnaire-templates/:templateId',
    {
      schema: {
        tags,
        operationId: 'getQuestionnaireTemplate',
        summary: 'A questionnaire template: its questions and scale',
        params: Type.Object({ templateId: Type.String({ pattern: '^[a-z0-9-]{1,64}$', examples: ['milieu-questionnaire-2025'] }) }, { additionalProperties: false }),
        response: { 200: Type.Object({}, { additionalProperties: true, title: 'QuestionnaireTemplate' }), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const row = await findTemplate(request.db, request.params.templateId);
      if (!row) throw new NotFound('Questionnaire template', request.params.templateId);
      return row.definition;
    },
  );

  app.post(
    '/v1/clients/:clientId/observations',
    {
      schema: {
        tags,
        operationId: 'createObservation',
        summary: 'Record a specialist’s observation of the outcome indicators',
        params: ClientParams,
        body: CreateObservationSchema,
        response: { 201: ObservationSchema, ...problemResponses(400, 404, 422) },
      },
      config: { access: writers },
    },
    async (request, reply) => reply.code(201).send(toObservation(await addObservation(request.db, request.params.clientId, request.body, scopeOf(request)))),
  );

  app.get(
    '/v1/clients/:clientId/observations',
    {
      schema: {
        tags,
        operationId: 'listObservations',
        summary: 'A client’s observations',
        params: ClientParams,
        querystring: ClientInputQuery,
        response: { 200: Page(ObservationSchema, 'ObservationPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const client = await getClient(request.ctx, request.params.clientId);
      const { limit, cursor } = request.query;
      const rows = await listClientInputs(request.db, 'observations', client.id, decodeCursor(cursor), limit);
      return toPage(request, rows, limit, toObservation);
    },
  );

  app.post(
    '/v1/specialist-reports',
    {
      schema: {
        tags,
        operationId: 'createSpecialistReport',
        summary: 'File a specialist’s short monthly report',
        body: CreateSpecialistReportSchema,
        response: { 201: SpecialistReportSchema, ...problemResponses(400, 422) },
      },
      config: { access: { ...writers, organization: { body: 'organizationId' } } },
    },
    async (request, reply) => reply.code(201).send(toSpecialistReport(await addSpecialistReport(request.db, request.body))),
  );

  app.get(
    '/v1/specialist-reports',
    {
      schema: {
        tags,
        operationId: 'listSpecialistReports',
        summary: 'List specialist reports',
        querystring: SpecialistReportQuery,
        response: { 200: Page(SpecialistReportSchema, 'SpecialistReportPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const rows = await listSpecialistReports(request.db, { ...filter, scope: scopeOf(request), cursor: decodeCursor(cursor), limit });
      return toPage(request, rows, limit, toSpecialistReport);
    },
  );

  app.post(
    '/v1/monitoring-reports',
    {
      schema: {
        tags,
        operationId: 'createMonitoringReport',
        summary: 'Build the monthly monitoring report from the month’s data, as a draft snapshot',
        body: CreateMonitoringReportSchema,
        response: { 201: MonitoringReportSchema, ...problemResponses(400, 404, 422) },
      },
      config: { access: { ...writers, organization: { body: 'organizationId' } } },
    },
    async (request, reply) => {
      const { organizationId, departmentId, month } = request.body;
      await getOrganization(request.db, organizationId);
      if (departmentId && !(await findDepartment(request.db, organizationId, departmentId))) {
        throw invalidFields('Unknown department.', [{ pointer: '/departmentId', message: 'is not a department of the organization' }]);
      }
      if (month > today().slice(0, 7)) throw invalidFields('The month has not begun.', [{ pointer: '/month', message: 'is in the future' }]);
      const content = await buildMonthlyReport(request.db, organizationId, departmentId ?? undefined, month);
      const row = await insertReport(request.db, { organization_id: organizationId, department_id: departmentId ?? null, month, content });
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/monitoring-reports/${row.id}`).send(toReport(row));
    },
  );

  app.get(
    '/v1/monitoring-reports',
    {
      schema: {
        tags,
        operationId: 'listMonitoringReports',
        summary: 'List monthly monitoring reports by organization and period',
        querystring: MonitoringReportListQuery,
        response: { 200: Page(MonitoringReportSchema, 'MonitoringReportPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const rows = await listReports(request.db, { ...filter, scope: scopeOf(request), cursor: decodeCursor(cursor), limit });
      return toPage(request, rows, limit, toReport);
    },
  );

  app.get(
    '/v1/monitoring-reports/:id',
    {
      schema: {
        tags,
        operationId: 'getMonitoringReport',
        summary: 'Get a monthly monitoring report: JSON, CSV or a printable HTML page',
        description: '`Accept: text/csv` or `format=csv` (UTF-8 with BOM, `separator=;` for Russian-locale Excel); `Accept: text/html` or `format=html` for the printable page with charts.',
        params: IdParams,
        querystring: ReportFormatQuery,
        response: {
          200: Type.Unsafe({
            description: 'The report.',
            content: {
              'application/json': { schema: MonitoringReportSchema },
              'text/csv': { schema: { type: 'string' } },
              'text/html': { schema: { type: 'string' } },
            },
          }),
          ...problemResponses(400, 404),
        },
      },
      config: { access: readers, audit: { action: 'export', resource: 'monitoring_report', id: 'params.id' } },
    },
    async (request, reply) => {
      const row = await findReport(request.db, request.params.id, scopeOf(request));
      if (!row) throw new NotFound('Monitoring report', request.params.id);
      const report = toReport(row);
      setEtag(reply, row.version);
      const accept = request.headers.accept ?? '';
      const format = request.query.format ?? (wantsCsv(accept) ? 'csv' : /text\/html/.test(accept) && !/json/.test(accept) ? 'html' : 'json');
      if (format === 'csv') {
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="monitoring-${report.month}.csv"`)
          .send(reportCsv(report, request.query.separator ?? ','));
      }
      if (format === 'html') {
        const organization = await getOrganization(request.db, row.organization_id);
        const history = (await reportHistory(request.db, row)).map((entry) => (entry.month === row.month ? report : toReport(entry)));
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
          .send(reportHtml(report, organization.name, history));
      }
      return reply.type('application/json').send(report);
    },
  );

  app.post(
    '/v1/monitoring-reports/:id/approve',
    {
      schema: {
        tags,
        operationId: 'approveMonitoringReport',
        summary: 'Approve a monthly report: from then on it never changes',
        description: 'Needs If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 200: MonitoringReportSchema, ...problemResponses(400, 404, 409, 412, 428) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const current = await findReport(request.db, request.params.id, scopeOf(request));
      if (!current) throw new NotFound('Monitoring report', request.params.id);
      if (current.status === 'approved') throw new Conflict(`Monitoring report ${current.id} is already approved.`);
      const row = await approveReport(request.db, current.id, expectedVersion(ifMatch, current));
      if (!row) throw new PreconditionFailed(ifMatch.header);
      setEtag(reply, row.version);
      return toReport(row);
    },
  );
};

export default monitoringRoutes;
