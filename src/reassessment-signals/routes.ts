import { Page } from '../http/common-schemas.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { SignalAlreadyResolved, SignalResolutionInvalid } from './problems.js';
import type { SignalThresholds } from './repository.js';
import { ReassessmentSignalSchema, ResolveSignalSchema, SignalListQuery, SignalParams } from './schemas.js';
import { encodeSignalCursor, getSignal, listSignals, resolveSignal, toSignal } from './service.js';

const tags = ['reassessment-signals'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const reassessmentSignalRoutes: Routes = async (app, { config }) => {
  const thresholds: SignalThresholds = {
    indicatorSteps: config.SIGNAL_INDICATOR_STEPS,
    attendanceRatio: config.SIGNAL_ATTENDANCE_RATIO,
    attendanceMinRecords: config.SIGNAL_ATTENDANCE_MIN_RECORDS,
    questionnaireDrop: config.SIGNAL_QUESTIONNAIRE_DROP,
  };
  const settings =
    `Thresholds of this service: an indicator ${thresholds.indicatorSteps} steps the worse way; a month’s attendance rate at ` +
    `${thresholds.attendanceRatio} of the month before or lower, with at least ${thresholds.attendanceMinRecords} records in ` +
    `each; a questionnaire average ${thresholds.questionnaireDrop} points or more below the one before.`;

  app.get(
    '/v1/reassessment-signals',
    {
      schema: {
        tags,
        operationId: 'listReassessmentSignals',
        summary: 'Signals from everyday work that a client’s group may be out of date',
        description:
          'Active clients whose recorded life since their current assessment suggests a reassessment: an outcome indicator moved ' +
          'the worse way between consecutive observations (`outcomeIndicatorWorsened`), a completed month’s attendance rate fell ' +
          'against the month before (`attendanceDropped`), a questionnaire’s average fell against the one before ' +
          '(`questionnaireAverageDropped`), or the current assessment shows a rapid deterioration in the dynamics ' +
          '(`rapidDeterioration`). Each signal names the records it rests on and the values that met the threshold. ' +
          'Signals are derived when read; a signal’s `id` comes from those records, so it is the same on every read and every ' +
          'instance. Resolved signals are listed with `status=resolved` or `all`, as they were when resolved. Ordered by date. ' +
          `A provider sees its own organization. ${settings}`,
        querystring: SignalListQuery,
        response: { 200: Page(ReassessmentSignalSchema, 'ReassessmentSignalPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const { rows, last } = await listSignals(request.ctx, thresholds, filter, { limit, cursor });
      let next: string | null = null;
      if (last) {
        const url = new URL(request.url, 'http://local');
        url.searchParams.set('limit', String(limit));
        url.searchParams.set('cursor', encodeSignalCursor(last));
        next = `${url.pathname}${url.search}`;
      }
      return { items: rows.map(toSignal), next };
    },
  );

  app.get(
    '/v1/reassessment-signals/:id',
    {
      schema: {
        tags,
        operationId: 'getReassessmentSignal',
        summary: 'Get a reassessment signal, open or resolved',
        description: 'An open signal whose records no longer give it (a record corrected, a newer assessment) is a 404.',
        params: SignalParams,
        response: { 200: ReassessmentSignalSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => toSignal(await getSignal(request.ctx, thresholds, request.params.id)),
  );

  app.post(
    '/v1/reassessment-signals/:id/resolve',
    {
      schema: {
        tags,
        operationId: 'resolveReassessmentSignal',
        summary: 'Schedule a reassessment for a signal, or dismiss it',
        description:
          '`scheduledOn` (today or later) schedules a reassessment: it becomes the client’s next check (`nextCheckOn`, the ' +
          'reassessment list) unless the check already due is earlier, until a final assessment on or after the day of this ' +
          'resolution. ' +
          'Or `dismissed: true` with a `reason`. `staffId` is the specialist who decided. A signal is resolved once (409).',
        params: SignalParams,
        body: ResolveSignalSchema,
        response: { 200: ReassessmentSignalSchema, ...problemResponses(400, 404, SignalAlreadyResolved, SignalResolutionInvalid) },
      },
      config: {
        access: writers,
        audit: { action: 'create', resource: 'reassessment_signal_resolution', id: 'params.id', client: 'result.client_id' },
      },
    },
    async (request) => {
      const row = await request.ctx.write((tx) => resolveSignal(tx, thresholds, request.params.id, request.body));
      return toSignal(row);
    },
  );
};

export default reassessmentSignalRoutes;
