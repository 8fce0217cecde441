import { Type } from '@sinclair/typebox';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { AttendeeDuplicate, CareSessionNotHeld, CareSessionRuleViolated, CarerNotEligible } from './problems.js';
import { loadCourses, sessionsQuery } from './repository.js';
import {
  AttendanceSchema,
  AttendeeParams,
  BulkAttendanceSchema,
  CareCourseSchema,
  CareSessionListQuery,
  CareSessionSchema,
  CourseParams,
  CreateCareSessionSchema,
  UpdateCareSessionSchema,
} from './schemas.js';
import { createSession, getCourse, getSession, recordAttendance, toSession, toSessions, updateSession } from './service.js';

const tags = ['school-of-care'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const schoolOfCareRoutes: Routes = async (app) => {
  app.get(
    '/v1/care-courses',
    {
      schema: {
        tags,
        operationId: 'listCareCourses',
        summary: 'The courses of the school of care, with their topics',
        description: 'Versioned data loaded by a migration: a course never changes once a session uses it.',
        response: { 200: Type.Object({ items: Type.Array(CareCourseSchema), next: Type.Null() }) },
      },
      config: { access: readers },
    },
    async (request) => ({ items: await loadCourses(request.ctx), next: null }),
  );

  app.get(
    '/v1/care-courses/:id',
    {
      schema: {
        tags,
        operationId: 'getCareCourse',
        summary: 'A course of the school of care',
        params: CourseParams,
        response: { 200: CareCourseSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => getCourse(request.ctx, request.params.id),
  );

  app.post(
    '/v1/care-sessions',
    {
      schema: {
        tags,
        operationId: 'createCareSession',
        summary: 'Record (or plan) a session of the school of care',
        description:
          'The «Мобильная школа по уходу» (order No. 99, items 2.3 and 4) teaches the families who care for clients at home: ' +
          'a session has its course, day, the staff who run it and the course’s topics it covers. Then record the carers who attended.',
        body: CreateCareSessionSchema,
        response: { 201: CareSessionSchema, ...problemResponses(400, 404, CareSessionRuleViolated) },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'care_session' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createSession(tx, request.body));
      setEtag(reply, row.version);
      return reply
        .code(201)
        .header('location', `/v1/care-sessions/${row.id}`)
        .send(await toSession(request.ctx, row));
    },
  );

  app.get(
    '/v1/care-sessions',
    {
      schema: {
        tags,
        operationId: 'listCareSessions',
        summary: 'List sessions of the school of care',
        description: 'A provider sees its own organization’s sessions. `carerId` lists the sessions a carer is recorded at.',
        querystring: CareSessionListQuery,
        response: { 200: Page(CareSessionSchema, 'CareSessionPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, sessionsQuery(request.ctx, filter), 'care_sessions', (rows) => toSessions(request.ctx, rows));
    },
  );

  app.get(
    '/v1/care-sessions/:id',
    {
      schema: {
        tags,
        operationId: 'getCareSession',
        summary: 'A session of the school of care with its attendees',
        params: IdParams,
        response: { 200: CareSessionSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getSession(request.ctx, request.params.id);
      setEtag(reply, row.version);
      return toSession(request.ctx, row);
    },
  );

  app.patch(
    '/v1/care-sessions/:id',
    {
      schema: {
        tags,
        operationId: 'updateCareSession',
        summary: 'Correct a session of the school of care',
        description: 'Needs If-Match. The course stays: a session of another course is another session.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateCareSessionSchema,
        response: { 200: CareSessionSchema, ...problemResponses(400, 404, 412, CareSessionRuleViolated, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'care_session' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateSession(tx, request.params.id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toSession(request.ctx, row);
    },
  );

  app.put(
    '/v1/care-sessions/:id/attendees/:carerId',
    {
      schema: {
        tags,
        operationId: 'recordCareAttendee',
        summary: 'Enrol a carer in a session of the school of care, or record their attendance',
        description:
          'One record per session and carer: sending it again replaces it. A carer of a client of another organization, or one who ' +
          'had stopped caring before the session’s day, is a 422; attendance other than `enrolled` only from the session’s day.',
        params: AttendeeParams,
        body: AttendanceSchema,
        response: { 200: CareSessionSchema, ...problemResponses(400, 404, CarerNotEligible, CareSessionNotHeld) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'care_attendee', id: 'params.carerId' } },
    },
    async (request, reply) => {
      const input = { attendees: [{ ...request.body, carerId: request.params.carerId }] };
      const row = await request.ctx.write((tx) => recordAttendance(tx, request.params.id, input, true));
      setEtag(reply, row.version);
      return toSession(request.ctx, row);
    },
  );

  app.put(
    '/v1/care-sessions/:id/attendees',
    {
      schema: {
        tags,
        operationId: 'recordCareAttendees',
        summary: 'Record enrolment or attendance of many carers of a session at once',
        description: 'All or nothing: one refused carer refuses the whole request, with a pointer to its entry.',
        params: IdParams,
        body: BulkAttendanceSchema,
        response: { 200: CareSessionSchema, ...problemResponses(400, 404, CarerNotEligible, CareSessionNotHeld, AttendeeDuplicate) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'care_attendee', id: 'params.id' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => recordAttendance(tx, request.params.id, request.body));
      setEtag(reply, row.version);
      return toSession(request.ctx, row);
    },
  );
};

export default schoolOfCareRoutes;
