import { ActivityTypeRetired } from '../activity-types/problems.js';
import { Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { ClientParams } from '../assessments/schemas.js';
import {
  ClientNotServed,
  GoalReviewRuleViolated,
  InstrumentNotMapped,
  NoAssessmentToSuggestFrom,
  ProgramAlreadyActive,
  ProgramNotReviewable,
  ProgramRuleViolated,
  ProgramTransitionForbidden,
} from './problems.js';
import {
  CreateGoalReviewSchema,
  CreateSupportProgramSchema,
  FulfilmentQuery,
  FulfilmentSchema,
  GoalParams,
  OptionalIfMatchHeaders,
  ProgramListQuery,
  ProgramParams,
  ProgramSearchQuery,
  ProgramSuggestionSchema,
  SuggestionRequestSchema,
  SupportProgramSchema,
  UpdateSupportProgramSchema,
} from './schemas.js';
import {
  createProgram,
  getProgram,
  listPrograms,
  programFulfilment,
  reviewGoal,
  searchPrograms,
  suggestionFor,
  toProgram,
  toPrograms,
  updateProgram,
} from './service.js';

const tags = ['support-programs'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const supportProgramRoutes: Routes = async (app, { instruments }) => {
  app.post(
    '/v1/clients/:clientId/support-programs',
    {
      schema: {
        tags,
        operationId: 'createSupportProgram',
        summary: 'Draft an individual support program (индивидуальная программа сопровождения)',
        description:
          'Goals per quality-of-life component and the planned activities. The answer shows the client’s current group and ' +
          'warns about planned activities that do not suit it. One active program per client (409).',
        params: ClientParams,
        body: CreateSupportProgramSchema,
        response: {
          201: SupportProgramSchema,
          ...problemResponses(400, 404, ProgramAlreadyActive, ClientNotServed, ProgramRuleViolated, ActivityTypeRetired),
        },
      },
      config: { access: writers, audit: { action: 'create', resource: 'support_program', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const program = await request.ctx.write((tx) => createProgram(tx, request.params.clientId, request.body));
      setEtag(reply, program.version);
      return reply
        .code(201)
        .header('location', `/v1/clients/${program.client_id}/support-programs/${program.id}`)
        .send(await toProgram(request.ctx, program));
    },
  );

  app.get(
    '/v1/clients/:clientId/support-programs',
    {
      schema: {
        tags,
        operationId: 'listSupportPrograms',
        summary: 'A client’s support programs',
        params: ClientParams,
        querystring: ProgramListQuery,
        response: { 200: Page(SupportProgramSchema, 'SupportProgramPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { client, query } = await listPrograms(request.ctx, request.params.clientId, { status: request.query.status });
      return paginate(request, query, 'support_programs', (rows) => toPrograms(request.ctx, rows, client));
    },
  );

  app.get(
    '/v1/clients/:clientId/support-programs/:id',
    {
      schema: {
        tags,
        operationId: 'getSupportProgram',
        summary: 'Get a support program with its suitability warnings',
        params: ProgramParams,
        response: { 200: SupportProgramSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const program = await getProgram(request.ctx, request.params.clientId, request.params.id);
      setEtag(reply, program.version);
      return toProgram(request.ctx, program);
    },
  );

  app.patch(
    '/v1/clients/:clientId/support-programs/:id',
    {
      schema: {
        tags,
        operationId: 'updateSupportProgram',
        summary: 'Change, start, complete or cancel a support program',
        description: 'Needs If-Match. draft → active | cancelled; active → completed | cancelled.',
        params: ProgramParams,
        headers: IfMatchHeaders,
        body: UpdateSupportProgramSchema,
        response: {
          200: SupportProgramSchema,
          ...problemResponses(
            400,
            404,
            ProgramAlreadyActive,
            412,
            ProgramTransitionForbidden,
            ProgramRuleViolated,
            ActivityTypeRetired,
            428,
          ),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'support_program', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const { clientId, id } = request.params;
      const ifMatch = readIfMatch(request);
      const program = await request.ctx.write((tx) => updateProgram(tx, clientId, id, ifMatch, request.body));
      setEtag(reply, program.version);
      return toProgram(request.ctx, program);
    },
  );

  app.get(
    '/v1/clients/:clientId/support-programs/:id/fulfilment',
    {
      schema: {
        tags,
        operationId: 'getSupportProgramFulfilment',
        summary: 'Planned versus attended sessions of a program in a month',
        params: ProgramParams,
        querystring: FulfilmentQuery,
        response: { 200: FulfilmentSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { clientId, id } = request.params;
      return programFulfilment(request.ctx, clientId, id, request.query.month);
    },
  );

  app.get(
    '/v1/support-programs',
    {
      schema: {
        tags,
        operationId: 'searchSupportPrograms',
        summary: 'Support programs of every client, such as those with goals due for review',
        description:
          'A provider sees its own organization’s programs, the regional department every organization’s. ' +
          '`reviewDueBefore=YYYY-MM-DD` keeps the active programs with an open goal (planned or in progress) whose target date ' +
          'is before that day; `reviewDueOn` on each program says since when. Goals that are achieved, partly achieved or not ' +
          'achieved are closed and never due; a review that keeps a goal open may move its target date.',
        querystring: ProgramSearchQuery,
        response: { 200: Page(SupportProgramSchema, 'SupportProgramSearchPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      const { query, toItems } = searchPrograms(request.ctx, filter);
      return paginate(request, query, 'support_programs', toItems);
    },
  );

  app.post(
    '/v1/clients/:clientId/support-programs/:id/goals/:goalId/reviews',
    {
      schema: {
        tags,
        operationId: 'reviewSupportProgramGoal',
        summary: 'Record a review of a support-program goal',
        description:
          'The review (day, staff member, note) is appended to the goal and sets its status: `achieved`, `partly_achieved` ' +
          'and `not_achieved` close it; `planned` or `in_progress` keep it open, optionally with a new `targetDate`. ' +
          'Goals of active and completed programs are reviewed. Reviews sent at once are all kept, one after the other. ' +
          'If-Match is optional: sent, the review is refused (412) when the program changed since that version. ' +
          'Answers the program with its new ETag.',
        params: GoalParams,
        headers: OptionalIfMatchHeaders,
        body: CreateGoalReviewSchema,
        response: {
          201: SupportProgramSchema,
          ...problemResponses(400, 404, 412, ProgramNotReviewable, GoalReviewRuleViolated),
        },
      },
      config: {
        access: writers,
        audit: { action: 'create', resource: 'support_program_goal_review', id: 'result.reviewId', client: 'params.clientId' },
      },
    },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'] === undefined ? undefined : readIfMatch(request);
      const program = await request.ctx.write((tx) => reviewGoal(tx, request.params, ifMatch, request.body));
      setEtag(reply, program.version);
      return reply
        .code(201)
        .header('location', `/v1/clients/${program.client_id}/support-programs/${program.id}`)
        .send(await toProgram(request.ctx, program));
    },
  );

  app.post(
    '/v1/clients/:clientId/support-programs/suggestion',
    {
      schema: {
        tags,
        operationId: 'suggestSupportProgram',
        summary: 'Suggest a draft support program from the latest assessment (stores nothing)',
        description:
          'The items of the client’s latest final assessment that show a deficit lead, through the current version of the ' +
          'suggestion mapping (data, like the forms), to milieu-therapy activities of the shared catalog and goals per component ' +
          'of quality of life: mobility to exercise therapy, board games and darts; orientation to psychological sessions and ' +
          'games; isolation (social support 3-4) to thematic talks, evenings of rest and excursions; household items to social ' +
          'and household orientation and labor therapy; going out seldom to music therapy, concerts and excursions; medicines ' +
          'and continence to health checks. Activity types whose `maxGroup` is below the client’s group in effect are left out ' +
          'and listed in `leftOut`. `program` is a CreateSupportProgram body: POST it, changed or not, to create the program. ' +
          'Nothing is stored; the read of the assessment is recorded in the audit trail.',
        params: ClientParams,
        body: SuggestionRequestSchema,
        response: {
          200: ProgramSuggestionSchema,
          ...problemResponses(400, 404, ClientNotServed, NoAssessmentToSuggestFrom, InstrumentNotMapped, ProgramRuleViolated),
        },
      },
      config: {
        access: writers,
        // A POST that stores nothing: its unit of work only records who read the client's assessment for it.
        audit: { action: 'read', resource: 'support_program_suggestion', id: null, client: 'params.clientId' },
      },
    },
    async (request) => {
      return request.ctx.write((tx) => suggestionFor(tx, instruments, request.params.clientId, request.body));
    },
  );
};

export default supportProgramRoutes;
