import { NotSocialServiceOrganization } from '../organizations/problems.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { DepartmentNameTaken } from './problems.js';
import { CreateDepartmentSchema, DepartmentListQuery, DepartmentParams, DepartmentSchema, UpdateDepartmentSchema } from './schemas.js';
import { createDepartment, departmentsQuery, getDepartment, toDepartment, updateDepartment } from './service.js';

const tags = ['departments'];
const ownOrganization = { params: 'id' } as const;
const readers = { roles: ['admin', 'regional', 'provider'], organization: ownOrganization } as const;
const writers = { roles: ['admin', 'provider'], organization: ownOrganization } as const;

const departmentRoutes: Routes = async (app) => {
  app.post(
    '/v1/organizations/:id/departments',
    {
      schema: {
        tags,
        operationId: 'createDepartment',
        summary: 'Add a department to an organization',
        params: IdParams,
        body: CreateDepartmentSchema,
        response: { 201: DepartmentSchema, ...problemResponses(400, 404, DepartmentNameTaken, NotSocialServiceOrganization) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'department' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createDepartment(tx, request.params.id, request.body));
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/organizations/${row.organization_id}/departments/${row.id}`).send(toDepartment(row));
    },
  );

  app.get(
    '/v1/organizations/:id/departments',
    {
      schema: {
        tags,
        operationId: 'listDepartments',
        summary: "List an organization's departments",
        params: IdParams,
        querystring: DepartmentListQuery,
        response: { 200: Page(DepartmentSchema, 'DepartmentPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      const query = await departmentsQuery(request.ctx, request.params.id, filter);
      return paginate(request, query, 'departments', (rows) => rows.map(toDepartment));
    },
  );

  app.get(
    '/v1/organizations/:id/departments/:departmentId',
    {
      schema: {
        tags,
        operationId: 'getDepartment',
        summary: 'Get a department',
        params: DepartmentParams,
        response: { 200: DepartmentSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getDepartment(request.ctx, request.params.id, request.params.departmentId);
      setEtag(reply, row.version);
      return toDepartment(row);
    },
  );

  app.patch(
    '/v1/organizations/:id/departments/:departmentId',
    {
      schema: {
        tags,
        operationId: 'updateDepartment',
        summary: 'Update a department',
        description: 'Send the ETag of the version being changed in If-Match.',
        params: DepartmentParams,
        headers: IfMatchHeaders,
        body: UpdateDepartmentSchema,
        response: { 200: DepartmentSchema, ...problemResponses(400, 404, DepartmentNameTaken, 412, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'department' } },
    },
    async (request, reply) => {
      const { id, departmentId } = request.params;
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateDepartment(tx, id, departmentId, ifMatch, request.body));
      setEtag(reply, row.version);
      return toDepartment(row);
    },
  );
};

export default departmentRoutes;
