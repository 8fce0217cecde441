import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ActivityTypeRetired } from '../activity-types/problems.js';
import type { Context } from '../context/request-context.js';
import type { ActivityRow } from '../db/schema.js';
import { IdParams, Page, Uuid } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import {
  CancelReasonRequired,
  CancelReasonUnexpected,
  ClientOverlap,
  ParticipantDuplicate,
  ParticipantNotEligible,
  RecurrenceRuleEmpty,
  RecurrenceRuleInvalid,
  SessionCancelled,
  SessionFull,
  SessionNotStarted,
  SessionRuleViolated,
  StaffOverlap,
} from './problems.js';
import { activitiesQuery } from './repository.js';
import {
  ActivityListQuery,
  ActivitySchema,
  BulkParticipationSchema,
  CreateActivitySchema,
  CreateSeriesSchema,
  ParticipantParams,
  ParticipationSchema,
  ScheduleQuery,
  ScheduleSchema,
  SeriesSchema,
  UpdateActivitySchema,
} from './schemas.js';
import {
  clientSchedule,
  createActivity,
  createSeries,
  getActivity,
  recordParticipation,
  staffSchedule,
  toActivities,
  toActivity,
  updateActivity,
} from './service.js';

const tags = ['activities'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const activityRoutes: Routes = async (app) => {
  const respond = async (ctx: Context, reply: FastifyReply, row: ActivityRow) => {
    setEtag(reply, row.version);
    return toActivity(ctx, row);
  };

  app.post(
    '/v1/activities',
    {
      schema: {
        tags,
        operationId: 'createActivity',
        summary: 'Plan (or record) one activity session',
        description: 'Responsible staff already running an overlapping session are a 409 unless `allowOverlap` is true.',
        body: CreateActivitySchema,
        response: { 201: ActivitySchema, ...problemResponses(400, 404, StaffOverlap, SessionRuleViolated, ActivityTypeRetired) },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        // The resource names are those the audit trail has always recorded for these URLs.
        audit: { action: 'create', resource: 'activity' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createActivity(tx, request.body));
      return reply
        .code(201)
        .header('location', `/v1/activities/${row.id}`)
        .send(await respond(request.ctx, reply, row));
    },
  );

  app.post(
    '/v1/activity-series',
    {
      schema: {
        tags,
        operationId: 'createActivitySeries',
        summary: 'Plan a recurring activity: the series and all its sessions at once',
        description:
          'The RFC 5545 `rule` is expanded from `startsAt` on the organization’s wall clock (Europe/Moscow by default), so ' +
          'a 10:00 session stays at 10:00. Each session is then an ordinary activity that can change or be cancelled alone.',
        body: CreateSeriesSchema,
        response: {
          201: SeriesSchema,
          ...problemResponses(400, 404, StaffOverlap, SessionRuleViolated, ActivityTypeRetired, RecurrenceRuleInvalid, RecurrenceRuleEmpty),
        },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'activity_series' },
      },
    },
    async (request, reply) => {
      const series = await request.ctx.write((tx) => createSeries(tx, request.body));
      return reply.code(201).send({
        id: series.id,
        organizationId: series.organization_id,
        rule: series.rule,
        timeZone: series.time_zone,
        sessions: await toActivities(request.ctx, series.sessions),
      });
    },
  );

  app.get(
    '/v1/activities',
    {
      schema: {
        tags,
        operationId: 'listActivities',
        summary: 'List activity sessions',
        querystring: ActivityListQuery,
        response: { 200: Page(ActivitySchema, 'ActivityPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, activitiesQuery(request.ctx, filter), 'activities', (rows) => toActivities(request.ctx, rows));
    },
  );

  app.get(
    '/v1/activities/:id',
    {
      schema: {
        tags,
        operationId: 'getActivity',
        summary: 'Get a session with its participants',
        params: IdParams,
        response: { 200: ActivitySchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => respond(request.ctx, reply, await getActivity(request.ctx, request.params.id)),
  );

  app.patch(
    '/v1/activities/:id',
    {
      schema: {
        tags,
        operationId: 'updateActivity',
        summary: 'Change, hold or cancel a session',
        description: 'Needs If-Match. Cancelling needs a `cancelReason`.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateActivitySchema,
        response: {
          200: ActivitySchema,
          ...problemResponses(
            400,
            404,
            StaffOverlap,
            ClientOverlap,
            412,
            CancelReasonRequired,
            CancelReasonUnexpected,
            SessionRuleViolated,
            428,
          ),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'activity' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateActivity(tx, request.params.id, ifMatch, request.body));
      return respond(request.ctx, reply, row);
    },
  );

  app.put(
    '/v1/activities/:id/participants/:clientId',
    {
      schema: {
        tags,
        operationId: 'recordParticipant',
        summary: 'Enrol a client or record attendance',
        description:
          'Capacity is enforced (409 when full). A client of another organization, archived, discharged or deceased is a 422; ' +
          'attendance other than `enrolled` only once the session has started; a client in an overlapping session is a 409 ' +
          'unless `allowOverlap`.',
        params: ParticipantParams,
        body: ParticipationSchema,
        response: {
          200: ActivitySchema,
          ...problemResponses(400, 404, SessionFull, ClientOverlap, SessionCancelled, ParticipantNotEligible, SessionNotStarted),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'participant', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const { allowOverlap, ...participant } = request.body;
      const input = { participants: [{ ...participant, clientId: request.params.clientId }], allowOverlap };
      const row = await request.ctx.write((tx) => recordParticipation(tx, request.params.id, input, true));
      return respond(request.ctx, reply, row);
    },
  );

  app.put(
    '/v1/activities/:id/participants',
    {
      schema: {
        tags,
        operationId: 'recordParticipants',
        summary: 'Record enrolment or attendance of many clients of a session at once',
        description: 'All or nothing: one refused client refuses the whole request, with a pointer to its entry.',
        params: IdParams,
        body: BulkParticipationSchema,
        response: {
          200: ActivitySchema,
          ...problemResponses(
            400,
            404,
            SessionFull,
            ClientOverlap,
            SessionCancelled,
            ParticipantDuplicate,
            ParticipantNotEligible,
            SessionNotStarted,
          ),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'participant' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => recordParticipation(tx, request.params.id, request.body));
      return respond(request.ctx, reply, row);
    },
  );

  app.get(
    '/v1/clients/:clientId/schedule',
    {
      schema: {
        tags,
        operationId: 'getClientSchedule',
        summary: 'A client’s sessions between two instants',
        params: Type.Object({ clientId: Uuid }, { additionalProperties: false }),
        querystring: ScheduleQuery,
        response: { 200: ScheduleSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      return { items: await clientSchedule(request.ctx, request.params.clientId, request.query), next: null };
    },
  );

  app.get(
    '/v1/staff/:id/schedule',
    {
      schema: {
        tags,
        operationId: 'getStaffSchedule',
        summary: 'A specialist’s sessions between two instants',
        params: IdParams,
        querystring: ScheduleQuery,
        response: { 200: ScheduleSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      return { items: await staffSchedule(request.ctx, request.params.id, request.query), next: null };
    },
  );
};

export default activityRoutes;
