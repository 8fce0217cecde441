import { NotSocialServiceOrganization } from '../organizations/problems.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { StaffDepartmentUnknown } from './problems.js';
import { staffQuery } from './repository.js';
import { CreateStaffSchema, StaffListQuery, StaffSchema, UpdateStaffSchema } from './schemas.js';
import { createStaff, getStaff, toStaffMember, updateStaff } from './service.js';

const tags = ['staff'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const staffRoutes: Routes = async (app) => {
  app.post(
    '/v1/staff',
    {
      schema: {
        tags,
        operationId: 'createStaffMember',
        summary: 'Add a staff member',
        body: CreateStaffSchema,
        response: { 201: StaffSchema, ...problemResponses(400, NotSocialServiceOrganization, StaffDepartmentUnknown) },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'staff' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createStaff(tx, request.body));
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
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, staffQuery(request.ctx, filter), 'staff', (rows) => rows.map(toStaffMember));
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
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getStaff(request.ctx, request.params.id);
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
        response: { 200: StaffSchema, ...problemResponses(400, 404, 412, StaffDepartmentUnknown, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'staff' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateStaff(tx, request.params.id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toStaffMember(row);
    },
  );
};

export default staffRoutes;
