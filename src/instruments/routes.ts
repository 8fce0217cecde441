import { Type } from '@sinclair/typebox';
import { NotFound } from '../http/problems.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { InstrumentParams, InstrumentSchema, InstrumentSummarySchema } from './schemas.js';

const tags = ['instruments'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;

const instrumentRoutes: Routes = async (app, { instruments }) => {
  app.get(
    '/v1/instruments',
    {
      schema: {
        tags,
        operationId: 'listInstruments',
        summary: 'List the functional diagnostic forms',
        description: 'bfd-home-2019 (care at home, items 1-11) and bfd-inpatient-2019 (inpatient care, items 1-7).',
        response: { 200: Type.Object({ items: Type.Array(InstrumentSummarySchema), next: Type.Null() }) },
      },
      config: { access: readers },
    },
    async () => ({
      items: (await instruments.all()).map(({ id, careForm, title, source, maxScore }) => ({ id, careForm, title, source, maxScore })),
      next: null,
    }),
  );

  app.get(
    '/v1/instruments/:id',
    {
      schema: {
        tags,
        operationId: 'getInstrument',
        summary: 'Get a form with its items, options, points, groups and care hours',
        params: InstrumentParams,
        response: { 200: InstrumentSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const instrument = await instruments.find(request.params.id);
      if (!instrument) throw new NotFound('Instrument', request.params.id);
      return instrument;
    },
  );
};

export default instrumentRoutes;
