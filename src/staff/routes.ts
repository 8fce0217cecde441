import { organizationScope } from '../http/auth.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { decodeCursor, toPage } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { listStaff } from './repository.js';
import { CreateStaffSchema, StaffListQuery, StaffSchema, UpdateStaffSchema } from './schemas.js';
import { createStaff, getStaff, toStaffMember, updateStaff } from './service.js';

const tags = ['staff'];

const staffRoutes: Routes = async (app) => {
  app.post(
    '/v1/staff',
    {
      schema: {
        tags,
        operationId: 'createStaffMember',
        summary: 'Add a staff member',
        body: CreateStaffSchema,
        response: { 201: StaffSchema, ...problemResponses(400, 422) },
      },
      config: { access: { roles: ['admin', 'provider'], organization: { body: 'organizationId' } } },
    },
    async (request, reply) => {
      const row = await createStaff(request.db, request.body);
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/staff/${row.id}`).send(toStaffMember(row));
    },
  );

  app.get(
    '/v1/staff',
    {
      schema: {
        tags,
        operationId: 'listStaff',
        summary: 'List staff',
        description: 'Filter by organization, department, position and active flag. A provider sees only its own staff.',
        querystring: StaffListQuery,
        response: { 200: Page(StaffSchema, 'StaffPage'), ...problemResponses(400) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const scope = organizationScope(request.credential);
      const rows = await listStaff(request.db, { ...filter, scope, cursor: decodeCursor(cursor), limit });
      return toPage(request, rows, limit, toStaffMember);
    },
  );

  app.get(
    '/v1/staff/:id',
    {
      schema: {
        tags,
        operationId: 'getStaffMember',
        summary: 'Get a staff member',
        params: IdParams,
        response: { 200: StaffSchema, ...problemResponses(400, 404) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request, reply) => {
      const row = await getStaff(request.db, request.params.id, organizationScope(request.credential));
      setEtag(reply, row.version);
      return toStaffMember(row);
    },
  );

  app.patch(
    '/v1/staff/:id',
    {
      schema: {
        tags,
        operationId: 'updateStaffMember',
        summary: 'Update a staff member',
        description: 'Send the ETag of the version being changed in If-Match. Set `active: false` when someone leaves.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateStaffSchema,
        response: { 200: StaffSchema, ...problemResponses(400, 404, 412, 422, 428) },
      },
      config: { access: { roles: ['admin', 'provider'] } },
    },
    async (request, reply) => {
      const scope = organizationScope(request.credential);
      const row = await updateStaff(request.db, request.params.id, readIfMatch(request), request.body, scope);
      setEtag(reply, row.version);
      return toStaffMember(row);
    },
  );
};

export default staffRoutes;
