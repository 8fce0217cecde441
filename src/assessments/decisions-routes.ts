import { IdParams, Page } from '../http/common-schemas.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { toDecision } from './decisions.js';
import {
  DecisionExists,
  DecisionNotCurrent,
  DecisionOnDraft,
  DecisionOnSupersededAssessment,
  DecisionRuleViolated,
} from './decisions-problems.js';
import { decisionsQuery } from './decisions-repository.js';
import { CreateDecisionSchema, DecisionListQuery, DecisionSchema } from './decisions-schemas.js';
import { decide } from './decisions-service.js';
import { ArchivedClientNotAssessable, DeceasedClientNotAssessable } from './problems.js';
import { getAssessment } from './service.js';

const tags = ['assessments'];

/** The commission's decision beside the computed group (issue 17). */
const decisionRoutes: Routes = async (app, { instruments }) => {
  app.post(
    '/v1/assessments/:id/decision',
    {
      schema: {
        tags,
        operationId: 'decideAssessmentGroup',
        summary: 'Record a commission’s decision on a final assessment’s dependency group',
        description:
          'A commission of at least two staff members of the client’s organization decides the group (решение комиссии), with ' +
          'a reason. The computed `result` stays as it is; the decision stands beside it, and the care hours and self-care ' +
          'reduction follow the decided group’s row of the form’s tables. From then on the client’s current figures, its ' +
          'dynamics, the reassessment list and the regional report use the decided group (`effective` on the assessment). ' +
          'Only a final assessment that no correction superseded takes a decision (409 otherwise). A later decision names the ' +
          'current one in `supersedes` (409 `decision-exists` without it) and replaces it; the history stays at ' +
          'GET /v1/assessments/{id}/decisions. The assessment’s version (ETag) moves, and it enters the change feed as updated.',
        params: IdParams,
        body: CreateDecisionSchema,
        response: {
          201: DecisionSchema,
          ...problemResponses(
            400,
            404,
            DecisionOnDraft,
            DecisionOnSupersededAssessment,
            DecisionExists,
            DecisionNotCurrent,
            ArchivedClientNotAssessable,
            DeceasedClientNotAssessable,
            DecisionRuleViolated,
          ),
        },
      },
      config: {
        access: { roles: ['admin', 'provider'] },
        audit: {
          action: (request) => ((request.body as { supersedes?: string }).supersedes ? 'supersede' : 'create'),
          resource: 'assessment_decision',
          id: 'result.id',
          client: 'result.client_id',
        },
      },
    },
    async (request, reply) => {
      const { decision, assessment } = await request.ctx.write(async (tx) => {
        const written = await decide(tx, instruments, request.params.id, request.body);
        // The audit event names the decision and its client.
        return Object.assign(written, { id: written.decision.id, client_id: written.decision.client_id });
      });
      return reply.code(201).send(toDecision(decision, assessment.dependency_group));
    },
  );

  app.get(
    '/v1/assessments/:id/decisions',
    {
      schema: {
        tags,
        operationId: 'listAssessmentDecisions',
        summary: 'The commission decisions on an assessment, superseded ones included',
        description: 'In the order they were taken; the current one has `supersededBy: null` and is also the assessment’s `decision`.',
        params: IdParams,
        querystring: DecisionListQuery,
        response: { 200: Page(DecisionSchema, 'AssessmentDecisionPage'), ...problemResponses(400, 404) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request) => {
      const assessment = await getAssessment(request.ctx, request.params.id);
      return paginate(request, decisionsQuery(request.ctx, assessment.id), 'assessment_decisions', (rows) =>
        rows.map((row) => toDecision(row, assessment.dependency_group)),
      );
    },
  );
};

export default decisionRoutes;
