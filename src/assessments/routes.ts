import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssessmentRow } from '../db/schema.js';
import { daysBetween, today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import { organizationScope } from '../http/auth.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { decodeCursor, toPage } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { listAssessments, listClientAssessments, listDue } from './repository.js';
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
  updateDraft,
  type AssessmentContext,
} from './service.js';

const tags = ['assessments'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const assessmentRoutes: Routes = async (app, { instruments, config }) => {
  /** The answer for one assessment: its ETag and the API object. */
  const respond = async (reply: FastifyReply, row: AssessmentRow) => {
    setEtag(reply, row.version);
    return toAssessment(row, (await instruments.find(row.instrument_id))!);
  };

  const context = (request: FastifyRequest): AssessmentContext => ({
    db: request.db,
    catalog: instruments,
    reassessmentMonths: config.REASSESSMENT_MONTHS,
    scope: organizationScope(request.credential),
  });

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
          '`supersedes`, with a `reason`.',
        params: ClientParams,
        body: CreateAssessmentSchema,
        response: { 201: AssessmentSchema, ...problemResponses(400, 404, 409, 422) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const row = await createAssessment(context(request), request.params.clientId, request.body);
      return reply.code(201).header('location', `/v1/assessments/${row.id}`).send(await respond(reply, row));
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
      const { limit, cursor, status } = request.query;
      await getClient(request.ctx, request.params.clientId);
      const rows = await listClientAssessments(request.db, request.params.clientId, { status, cursor: decodeCursor(cursor), limit });
      const page = toPage(request, rows, limit, (row) => row);
      return { items: await toAssessments(instruments, page.items), next: page.next };
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
    async (request) => clientDynamics(context(request), request.params.clientId),
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
      const { limit, cursor, ...filter } = request.query;
      const scope = organizationScope(request.credential);
      const rows = await listAssessments(request.db, { ...filter, scope, cursor: decodeCursor(cursor), limit });
      const page = toPage(request, rows, limit, (row) => row);
      return { items: await toAssessments(instruments, page.items), next: page.next };
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
    async (request, reply) => {
      return respond(reply, await getAssessment(context(request), request.params.id));
    },
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
        response: { 200: AssessmentSchema, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      return respond(reply, await updateDraft(context(request), request.params.id, readIfMatch(request), request.body));
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
        response: { 200: AssessmentSchema, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
      config: { access: writers },
    },
    async (request, reply) => respond(reply, await finalize(context(request), request.params.id, readIfMatch(request))),
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
      const { limit, cursor, dueBefore, ...filter } = request.query;
      const now = today();
      const rows = await listDue(request.db, {
        ...filter,
        dueBefore: dueBefore ?? now,
        scope: organizationScope(request.credential),
        cursor: decodeCursor(cursor),
        limit,
      });
      return toPage(request, rows, limit, (row) => ({
        clientId: row.id,
        organizationId: row.organization_id,
        departmentId: row.department_id,
        lastName: row.last_name,
        firstName: row.first_name,
        middleName: row.middle_name,
        careForm: row.care_form,
        neverAssessed: row.current_assessment_id === null,
        latestAssessmentId: row.current_assessment_id,
        group: row.current_group,
        dueOn: row.current_next_check_on,
        daysOverdue: row.current_next_check_on ? daysBetween(row.current_next_check_on, now) : null,
      }));
    },
  );
};

export default assessmentRoutes;
