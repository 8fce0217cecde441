import { Type } from '@sinclair/typebox';
import { ClientParams } from '../assessments/schemas.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { preferredType } from '../http/negotiation.js';
import { CSV_CONTENT_TYPE } from '../reports/csv.js';
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
import { specialistReportsQuery } from './input-repository.js';
import {
  addObservation,
  addQuestionnaire,
  addSpecialistReport,
  clientObservations,
  clientQuestionnaires,
  getTemplate,
  toObservation,
  toQuestionnaire,
  toSpecialistReport,
} from './input-service.js';
import { MonitoringRuleViolated, ReportApproved } from './problems.js';
import { reportCsv, reportHtml } from './render.js';
import {
  CreateMonitoringReportSchema,
  MonitoringReportListQuery,
  MonitoringReportSchema,
  ReportFormatQuery,
  type ReportFormat,
} from './report-schemas.js';
import { reportsQuery } from './report-store.js';
import { approveReport, createReport, getReport, reportPage, toReport } from './service.js';

/** The report's formats by media type, JSON first: the answer when Accept prefers none. */
const FORMATS = { 'application/json': 'json', 'text/csv': 'csv', 'text/html': 'html' } as const satisfies Record<string, ReportFormat>;

/** The format the caller asks for: `format` first, then the Accept header. */
function formatOf(format: ReportFormat | undefined, accept: string | undefined): ReportFormat {
  return format ?? FORMATS[preferredType(accept, ['application/json', 'text/csv', 'text/html'])];
}

const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;
const tags = ['monitoring'];

const monitoringRoutes: Routes = async (app) => {
  app.post(
    '/v1/clients/:clientId/questionnaires',
    {
      schema: {
        tags,
        operationId: 'createQuestionnaire',
        summary: 'Record a client questionnaire (анкетирование)',
        description:
          'Ratings 1-5 per quality-of-life component and satisfaction, on the versioned template (GET /v1/questionnaire-templates).',
        params: ClientParams,
        body: CreateQuestionnaireSchema,
        response: { 201: QuestionnaireSchema, ...problemResponses(400, 404, MonitoringRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'questionnaire', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => addQuestionnaire(tx, request.params.clientId, request.body));
      return reply.code(201).send(toQuestionnaire(row));
    },
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
      const query = await clientQuestionnaires(request.ctx, request.params.clientId);
      return paginate(request, query, 'questionnaires', (rows) => rows.map(toQuestionnaire));
    },
  );

  app.get(
    '/v1/questionnaire-templates/:templateId',
    {
      schema: {
        tags,
        operationId: 'getQuestionnaireTemplate',
        summary: 'A questionnaire template: its questions and scale',
        params: Type.Object(
          { templateId: Type.String({ pattern: '^[a-z0-9-]{1,64}$', examples: ['milieu-questionnaire-2025'] }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({}, { additionalProperties: true, title: 'QuestionnaireTemplate' }), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => getTemplate(request.ctx, request.params.templateId),
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
        response: { 201: ObservationSchema, ...problemResponses(400, 404, MonitoringRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'observation', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => addObservation(tx, request.params.clientId, request.body));
      return reply.code(201).send(toObservation(row));
    },
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
      const query = await clientObservations(request.ctx, request.params.clientId);
      return paginate(request, query, 'observations', (rows) => rows.map(toObservation));
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
        response: { 201: SpecialistReportSchema, ...problemResponses(400, MonitoringRuleViolated) },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'specialist_report' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => addSpecialistReport(tx, request.body));
      return reply.code(201).send(toSpecialistReport(row));
    },
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
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, specialistReportsQuery(request.ctx, filter), 'specialist_reports', (rows) => rows.map(toSpecialistReport));
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
        response: { 201: MonitoringReportSchema, ...problemResponses(400, 404, MonitoringRuleViolated) },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'monitoring_report' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createReport(tx, request.body));
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
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, reportsQuery(request.ctx, filter), 'monitoring_reports', (rows) => rows.map(toReport));
    },
  );

  app.get(
    '/v1/monitoring-reports/:id',
    {
      schema: {
        tags,
        operationId: 'getMonitoringReport',
        summary: 'Get a monthly monitoring report: JSON, CSV or a printable HTML page',
        description:
          '`Accept: text/csv` or `format=csv` (UTF-8 with BOM, `separator=;` for Russian-locale Excel); `Accept: text/html` or `format=html` for the printable page with charts.',
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
      const row = await getReport(request.ctx, request.params.id);
      const report = toReport(row);
      setEtag(reply, row.version);
      const format = formatOf(request.query.format, request.headers.accept);
      if (format === 'csv') {
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="monitoring-${report.month}.csv"`)
          .send(reportCsv(report, request.query.separator ?? ','));
      }
      if (format === 'html') {
        const page = await reportPage(request.ctx, row, report);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
          .send(reportHtml(report, page));
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
        response: { 200: MonitoringReportSchema, ...problemResponses(400, 404, ReportApproved, 412, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'monitoring_report' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => approveReport(tx, request.params.id, ifMatch));
      setEtag(reply, row.version);
      return toReport(row);
    },
  );
};

export default monitoringRoutes;
