import { Type } from '@sinclair/typebox';
import { IdParams, Page } from '../http/common-schemas.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { CSV_CONTENT_TYPE, wantsCsv } from './csv.js';
import { longTermCareCsv } from './long-term-care.js';
import { diffCsv, diffSubmissions } from './submissions-diff.js';
import { SubmissionExists, SubmissionNotCurrent, SubmissionRuleViolated } from './submissions-problems.js';
import { summariesQuery } from './submissions-repository.js';
import {
  CreateSubmissionSchema,
  DiffQuery,
  SubmissionDiffSchema,
  SubmissionFormatQuery,
  SubmissionListQuery,
  SubmissionSchema,
  SubmissionSummarySchema,
} from './submissions-schemas.js';
import { findingsCsv, getSubmission, submitMonth, toSubmission, toSummary } from './submissions-service.js';

const tags = ['reports'];
/*
 * The region submits and reads: a submission covers every organization, so a provider, who sees
 * its own organization only, neither submits one nor reads one (its live report is
 * GET /v1/reports/long-term-care).
 */
const region = { roles: ['admin', 'regional'] } as const;
const BASE = '/v1/reports/long-term-care/submissions';

const submissionRoutes: Routes = async (app, { config, instruments }) => {
  app.post(
    BASE,
    {
      schema: {
        tags,
        operationId: 'submitLongTermCareMonth',
        summary: 'Submit a month’s regional long-term care report: a snapshot with its validation findings that never changes',
        description:
          'Computes GET /v1/reports/long-term-care over every organization as of the month’s last day (as of today in the current ' +
          'month) and keeps it with the validation findings: active clients never assessed, overdue for their next check, and ' +
          'assessments whose hours contradict their group. A month has one current submission; a correction names it in ' +
          '`supersedes` with a `reason`, and the earlier one stays readable, superseded.',
        body: CreateSubmissionSchema,
        response: {
          201: SubmissionSchema,
          ...problemResponses(400, SubmissionExists, SubmissionNotCurrent, SubmissionRuleViolated),
        },
      },
      config: { access: region, audit: { action: 'create', resource: 'report_submission' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) =>
        submitMonth(tx, instruments, { ...request.body, weeklyHoursPerFte: request.body.weeklyHoursPerFte ?? config.WEEKLY_HOURS_PER_FTE }),
      );
      return reply.code(201).header('location', `${BASE}/${row.id}`).send(toSubmission(row));
    },
  );

  app.get(
    BASE,
    {
      schema: {
        tags,
        operationId: 'listLongTermCareSubmissions',
        summary: 'List monthly submissions, corrections and superseded ones alike, in the order they were made',
        querystring: SubmissionListQuery,
        response: { 200: Page(SubmissionSummarySchema, 'ReportSubmissionPage'), ...problemResponses(400) },
      },
      config: { access: region },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, summariesQuery(request.ctx, filter), 'report_submissions', (rows) => rows.map(toSummary));
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      schema: {
        tags,
        operationId: 'getLongTermCareSubmission',
        summary: 'A monthly submission as it was submitted: the report and its findings, JSON or CSV',
        description:
          '`Accept: text/csv` answers the submitted report as GET /v1/reports/long-term-care does (UTF-8 with BOM; `separator=;` ' +
          'for Russian-locale Excel), or with `part=findings` the findings, one row each. JSON always has both.',
        params: IdParams,
        querystring: SubmissionFormatQuery,
        response: {
          200: Type.Unsafe({
            description: 'The submission.',
            content: {
              'application/json': { schema: SubmissionSchema },
              'text/csv': {
                schema: {
                  type: 'string',
                  description: 'The submitted report (one row per organization and a total row), or its findings (`part=findings`).',
                },
              },
            },
          }),
          ...problemResponses(400, 404),
        },
      },
      config: { access: region, audit: { action: 'export', resource: 'report_submission', id: 'params.id' } },
    },
    async (request, reply) => {
      const submission = toSubmission(await getSubmission(request.ctx, request.params.id));
      const { part = 'report', separator = ',' } = request.query;
      if (wantsCsv(request.headers.accept)) {
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="long-term-care-${submission.month}-${part}-${submission.id}.csv"`)
          .send(part === 'findings' ? findingsCsv(submission, separator) : longTermCareCsv(submission.report, separator));
      }
      return reply.type('application/json').send(submission);
    },
  );

  app.get(
    `${BASE}/:id/diff`,
    {
      schema: {
        tags,
        operationId: 'diffLongTermCareSubmissions',
        summary: 'What changed between two submissions, per organization: only the figures that differ',
        description:
          'Per organization, each figure of the report whose value differs between `against` and this submission (clients per ' +
          'group, active clients, never assessed, overdue, hours, FTE, overrides, trained carers), with before, after and delta; ' +
          'organizations only in one of them are `added` or `removed`; unchanged organizations are left out. `Accept: text/csv` ' +
          'answers one row per organization and figure.',
        params: IdParams,
        querystring: DiffQuery,
        response: {
          200: Type.Unsafe({
            description: 'The changes.',
            content: {
              'application/json': { schema: SubmissionDiffSchema },
              'text/csv': { schema: { type: 'string', description: 'One row per organization and changed figure, then the totals.' } },
            },
          }),
          ...problemResponses(400, 404),
        },
      },
      config: { access: region, audit: { action: 'export', resource: 'report_submission', id: 'params.id' } },
    },
    async (request, reply) => {
      const [submissionRow, againstRow] = await Promise.all([
        getSubmission(request.ctx, request.params.id),
        getSubmission(request.ctx, request.query.against),
      ]);
      const submission = toSubmission(submissionRow);
      const against = toSubmission(againstRow);
      const diff = diffSubmissions(submission, against, { submission: toSummary(submissionRow), against: toSummary(againstRow) });
      if (wantsCsv(request.headers.accept)) {
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="long-term-care-${submission.month}-against-${against.month}.csv"`)
          .send(diffCsv(diff, request.query.separator ?? ','));
      }
      return reply.type('application/json').send(diff);
    },
  );
};

export default submissionRoutes;
