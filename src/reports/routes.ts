import { Type } from '@sinclair/typebox';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { CSV_CONTENT_TYPE, wantsCsv } from './csv.js';
import { longTermCareCsv, longTermCareReport } from './long-term-care.js';
import { LongTermCareQuery, LongTermCareReportSchema } from './schemas.js';

const tags = ['reports'];

const reportRoutes: Routes = async (app, { config }) => {
  app.get(
    '/v1/reports/long-term-care',
    {
      schema: {
        tags,
        operationId: 'getLongTermCareReport',
        summary: 'The regional long-term care report: dependency groups, care hours and the staff they imply',
        description:
          'Per organization and in total, for active clients: counts per dependency group of the latest final assessment as of ' +
          '`asOf`, clients never assessed and overdue, weekly care hours, care-assistant FTE and, with `hourlyRate`, the monthly ' +
          'cost. Regional and admin keys see every organization, a provider its own. `Accept: text/csv` answers CSV ' +
          '(UTF-8 with BOM; `separator=;` for Russian-locale Excel).',
        querystring: LongTermCareQuery,
        response: {
          200: Type.Unsafe({
            description: 'The report.',
            content: {
              'application/json': { schema: LongTermCareReportSchema },
              'text/csv': { schema: { type: 'string', description: 'One row per organization and a total row.' } },
            },
          }),
          ...problemResponses(400),
        },
      },
      config: {
        access: { roles: ['admin', 'regional', 'provider'] },
        audit: { action: 'export', resource: 'long_term_care_report', id: null },
      },
    },
    async (request, reply) => {
      const { weeklyHoursPerFte, separator, ...filter } = request.query;
      const report = await longTermCareReport(request.ctx, {
        ...filter,
        weeklyHoursPerFte: weeklyHoursPerFte ?? config.WEEKLY_HOURS_PER_FTE,
      });
      if (wantsCsv(request.headers.accept)) {
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="long-term-care-${report.asOf}.csv"`)
          .send(longTermCareCsv(report, separator ?? ','));
      }
      return reply.type('application/json').send(report);
    },
  );
};

export default reportRoutes;
