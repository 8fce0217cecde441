import type { FastifyReply } from 'fastify';
import { today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import type { AssessmentRow } from '../db/schema.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import {
  ArchivedClientNotAssessable,
  AssessmentAlreadyFinal,
  AssessmentAlreadySuperseded,
  AssessmentFinal,
  AssessmentRuleViolated,
  CorrectionOfDraft,
  CorrectionOfOtherAssessment,
  DeceasedClientNotAssessable,
  FinalAssessmentOnDate,
  InstrumentCareFormMismatch,
  InterviewNoTaken,
  SupersededMeanwhile,
  UnknownInstrument,
} from './problems.js';
import { assessmentsQuery, clientAssessmentsQuery, dueQuery } from './repository.js';
import { currentDecisions } from './decisions-repository.js';
import {
  AssessmentListQuery,
  AssessmentSchema,
  ClientAssessmentsQuery,
  ClientParams,
  CreateAssessmentSchema,
  DynamicsSchema,
  ReassessmentQuery,
  ReassessmentSchema,
  UpdateAssessmentSchema,
} from './schemas.js';
import {
  clientDynamics,
  createAssessment,
  finalize,
  getAssessment,
  toAssessment,
  toAssessments,
  toReassessment,
  updateDraft,
  type AssessmentSettings,
} from './service.js';

const tags = ['assessments'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const assessmentRoutes: Routes = async (app, { instruments, config }) => {
  /** The answer for one assessment: its ETag and the API object. */
  const respond = async (reply: FastifyReply, row: AssessmentRow) => {
    setEtag(reply, row.version);
    // With its current decision, read after the write committed (one more indexed read).
    const decision = (await currentDecisions(reply.request.ctx, [row.id])).get(row.id);
    return toAssessment(row, await instruments.get(row.instrument_id), decision);
  };

  const settings: AssessmentSettings = { catalog: instruments, reassessmentMonths: config.REASSESSMENT_MONTHS };
  // A client who takes no assessment: archived or deceased.
  const clientNotAssessable = [ArchivedClientNotAssessable, DeceasedClientNotAssessable] as const;

  app.post(
    '/v1/clients/:clientId/assessments',
    {
      schema: {
        tags,
        operationId: 'createAssessment',
        summary: 'Record a functional diagnostic (БФД) and get its group and care hours',
        description:
          'One option for every item of the form; the score is the sum of their points and sets the dependency group and weekly ' +
          'care hours (order No. 99). `status: draft` keeps it editable. A correction of a final assessment names it in ' +
          '`supersedes`, with a `reason`, and keeps its interview number. A client has one final assessment a form and date ' +
          '(409 for a second one), and each interview number once (409 for a given one that is taken).',
        params: ClientParams,
        body: CreateAssessmentSchema,
        response: {
          201: AssessmentSchema,
          ...problemResponses(
            400,
            404,
            SupersededMeanwhile,
            FinalAssessmentOnDate,
            InterviewNoTaken,
            ...clientNotAssessable,
            UnknownInstrument,
            InstrumentCareFormMismatch,
            AssessmentRuleViolated,
            CorrectionOfOtherAssessment,
            CorrectionOfDraft,
            AssessmentAlreadySuperseded,
          ),
        },
      },
      config: {
        access: writers,
        audit: {
          action: (request) => ((request.body as { supersedes?: string }).supersedes ? 'supersede' : 'create'),
          resource: 'assessment',
          client: 'result.client_id',
        },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createAssessment(tx, settings, request.params.clientId, request.body));
      return reply
        .code(201)
        .header('location', `/v1/assessments/${row.id}`)
        .send(await respond(reply, row));
    },
  );

  app.get(
    '/v1/clients/:clientId/assessments',
    {
      schema: {
        tags,
        operationId: 'listClientAssessments',
        summary: 'A client’s assessment history',
        description: 'Every assessment in the order it was entered, superseded ones marked by `supersededBy`.',
        params: ClientParams,
        querystring: ClientAssessmentsQuery,
        response: { 200: Page(AssessmentSchema, 'AssessmentPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      await getClient(request.ctx, request.params.clientId);
      const query = clientAssessmentsQuery(request.ctx, request.params.clientId, { status: request.query.status });
      return paginate(request, query, 'assessments', (rows) => toAssessments(request.ctx, instruments, rows));
    },
  );

  app.get(
    '/v1/clients/:clientId/dynamics',
    {
      schema: {
        tags,
        operationId: 'getClientDynamics',
        summary: 'The client’s functional dynamics',
        description: 'Final assessments in time order with the change from the previous one and deterioration flags.',
        params: ClientParams,
        response: { 200: DynamicsSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => clientDynamics(request.ctx, instruments, request.params.clientId),
  );

  app.get(
    '/v1/assessments',
    {
      schema: {
        tags,
        operationId: 'listAssessments',
        summary: 'List assessments',
        description: 'Filter by organization, instrument, group, status and assessment date. A provider sees its own.',
        querystring: AssessmentListQuery,
        response: { 200: Page(AssessmentSchema, 'AssessmentListPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, assessmentsQuery(request.ctx, filter), 'assessments', (rows) =>
        toAssessments(request.ctx, instruments, rows),
      );
    },
  );

  app.get(
    '/v1/assessments/:id',
    {
      schema: {
        tags,
        operationId: 'getAssessment',
        summary: 'Get an assessment with its result and item breakdown',
        params: IdParams,
        response: { 200: AssessmentSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => respond(reply, await getAssessment(request.ctx, request.params.id)),
  );

  app.patch(
    '/v1/assessments/:id',
    {
      schema: {
        tags,
        operationId: 'updateAssessmentDraft',
        summary: 'Edit a draft assessment',
        description: 'Only drafts change (409 for a final one). `answers` given here replace those items’ answers. Needs If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateAssessmentSchema,
        response: {
          200: AssessmentSchema,
          ...problemResponses(400, 404, AssessmentFinal, InterviewNoTaken, 412, ...clientNotAssessable, AssessmentRuleViolated, 428),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'assessment', client: 'result.client_id' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateDraft(tx, settings, request.params.id, ifMatch, request.body));
      return respond(reply, row);
    },
  );

  app.post(
    '/v1/assessments/:id/finalize',
    {
      schema: {
        tags,
        operationId: 'finalizeAssessment',
        summary: 'Finalize a draft assessment',
        description: 'From then on it is immutable and counts as the client’s latest when it is. Needs If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        response: {
          200: AssessmentSchema,
          ...problemResponses(
            400,
            404,
            AssessmentAlreadyFinal,
            SupersededMeanwhile,
            FinalAssessmentOnDate,
            412,
            ...clientNotAssessable,
            428,
          ),
        },
      },
      config: { access: writers, audit: { action: 'finalize', resource: 'assessment', client: 'result.client_id' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => finalize(tx, request.params.id, ifMatch));
      return respond(reply, row);
    },
  );

  app.get(
    '/v1/reassessments',
    {
      schema: {
        tags,
        operationId: 'listReassessmentsDue',
        summary: 'Active clients due for reassessment, and those never assessed',
        querystring: ReassessmentQuery,
        response: { 200: Page(ReassessmentSchema, 'ReassessmentPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, dueBefore, ...filter } = request.query;
      const now = today();
      const query = dueQuery(request.ctx, { ...filter, dueBefore: dueBefore ?? now });
      return paginate(request, query, 'clients', (rows) => rows.map((row) => toReassessment(row, now)));
    },
  );
};

export default assessmentRoutes;
