import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { getClient } from '../clients/service.js';
import type { ActivityRow } from '../db/schema.js';
import { organizationScope } from '../http/auth.js';
import { IdParams, Page, Uuid } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { invalidParameter } from '../http/errors.js';
import { decodeCursor, toPage } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { getStaff } from '../staff/service.js';
import * as repository from './repository.js';
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
import { createActivity, createSeries, getActivity, recordParticipation, toActivities, updateActivity } from './service.js';

const tags = ['activities'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;
const MAX_SCHEDULE_DAYS = 92;

const activityRoutes: Routes = async (app) => {
  const respond = async (request: FastifyRequest, reply: FastifyReply, row: ActivityRow) => {
    setEtag(reply, row.version);
    const [activity] = await toActivities(request.db, [row]);
    return activity!;
  };

  const scheduleRange = (query: { from: string; to: string }) => {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to <= from) throw invalidParameter('querystring', '/to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_SCHEDULE_DAYS * 86_400_000) {
      throw invalidParameter('querystring', '/to', `must be at most ${MAX_SCHEDULE_DAYS} days after from`);
    }
    return { from, to };
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
        response: { 201: ActivitySchema, ...problemResponses(400, 404, 409, 422) },
      },
      config: { access: { ...writers, organization: { body: 'organizationId' } } },
    },
    async (request, reply) => {
      const row = await createActivity(request.db, request.body);
      return reply.code(201).header('location', `/v1/activities/${row.id}`).send(await respond(request, reply, row));
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
        response: { 201: SeriesSchema, ...problemResponses(400, 404, 409, 422) },
      },
      config: { access: { ...writers, organization: { body: 'organizationId' } } },
    },
    async (request, reply) => {
      const { series, sessions } = await createSeries(request.db, request.body);
      return reply.code(201).send({
        id: series.id,
        organizationId: series.organization_id,
        rule: series.rule,
        timeZone: series.time_zone,
        sessions: await toActivities(request.db, sessions),
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
      const { limit, cursor, ...filter } = request.query;
      const scope = organizationScope(request.credential);
      const rows = await repository.listActivities(request.db, { ...filter, scope, cursor: decodeCursor(cursor), limit });
      const page = toPage(request, rows, limit, (row) => row);
      return { items: await toActivities(request.db, page.items), next: page.next };
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
    async (request, reply) => respond(request, reply, await getActivity(request.db, request.params.id, organizationScope(request.credential))),
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
        response: { 200: ActivitySchema, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const scope = organizationScope(request.credential);
      return respond(request, reply, await updateActivity(request.db, request.params.id, readIfMatch(request), request.body, scope));
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
        response: { 200: ActivitySchema, ...problemResponses(400, 404, 409, 422) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const { allowOverlap, ...participant } = request.body;
      const scope = organizationScope(request.credential);
      const input = { participants: [{ ...participant, clientId: request.params.clientId }], allowOverlap };
      const row = await recordParticipation(request.db, request.params.id, input, scope, true);
      return respond(request, reply, row);
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
        response: { 200: ActivitySchema, ...problemResponses(400, 404, 409, 422) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const scope = organizationScope(request.credential);
      return respond(request, reply, await recordParticipation(request.db, request.params.id, request.body, scope));
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
      const client = await getClient(request.ctx, request.params.clientId);
      const { from, to } = scheduleRange(request.query);
      return { items: await toActivities(request.db, await repository.schedule(request.db, { clientId: client.id }, from, to)), next: null };
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
      const staff = await getStaff(request.db, request.params.id, organizationScope(request.credential));
      const { from, to } = scheduleRange(request.query);
      return { items: await toActivities(request.db, await repository.schedule(request.db, { staffId: staff.id }, from, to)), next: null };
    },
  );
};

export default activityRoutes;
