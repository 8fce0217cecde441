import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { finalHistory } from '../assessments/repository.js';
import { IdParams } from '../http/common-schemas.js';
import { FHIR_CONTENT_TYPE, outcomeResponses } from '../http/problem.js';
import { NotFound } from '../http/problems.js';
import type { Routes } from '../http/typebox.js';
import { partnerAssessment, partnerClient } from '../partners/service.js';
import { capabilityStatement, patient, questionnaire, questionnaireResponse, searchBundle } from './resources.js';

const tags = ['fhir'];
const Resource = Type.Unsafe({
  description: 'A FHIR R4 resource.',
  content: { [FHIR_CONTENT_TYPE]: { schema: { type: 'object', additionalProperties: true } } },
});
const partnerOnly = { roles: ['medical_partner'] } as const;

const send = (reply: FastifyReply, resource: object) => reply.type(`${FHIR_CONTENT_TYPE}; charset=utf-8`).send(JSON.stringify(resource));

const fhirRoutes: Routes = async (app, { instruments }) => {
  app.get(
    '/fhir/r4/metadata',
    {
      schema: {
        tags,
        operationId: 'getFhirCapabilityStatement',
        summary: 'FHIR R4 CapabilityStatement',
        security: [],
        // Public, but rate limited per address as every route is.
        response: { 200: Resource, ...outcomeResponses(429) },
      },
    },
    async (_request, reply) => send(reply, capabilityStatement()),
  );

  app.get(
    '/fhir/r4/Questionnaire/:id',
    {
      schema: {
        tags,
        operationId: 'getFhirQuestionnaire',
        summary: 'A functional diagnostic form as a FHIR Questionnaire (medical partners)',
        params: Type.Object(
          { id: Type.String({ pattern: '^[a-z0-9-]{1,64}$', examples: ['bfd-home-2019'] }) },
          { additionalProperties: false },
        ),
        response: { 200: Resource, ...outcomeResponses(400, 404) },
      },
      // The FHIR views are the partners' interface (README): the other roles read the same forms at /v1/instruments.
      config: { access: partnerOnly },
    },
    async (request, reply) => {
      const instrument = await instruments.find(request.params.id);
      if (!instrument) throw new NotFound('Questionnaire', request.params.id);
      return send(reply, questionnaire(instrument));
    },
  );

  app.get(
    '/fhir/r4/Patient/:id',
    {
      schema: {
        tags,
        operationId: 'getFhirPatient',
        summary: 'A client as a FHIR Patient (medical partners, under agreement and consent)',
        params: IdParams,
        response: { 200: Resource, ...outcomeResponses(400, 404) },
      },
      config: { access: partnerOnly },
    },
    async (request, reply) => send(reply, patient(await partnerClient(request.ctx, request.ip, { clientId: request.params.id }, 'client'))),
  );

  app.get(
    '/fhir/r4/QuestionnaireResponse',
    {
      schema: {
        tags,
        operationId: 'searchFhirQuestionnaireResponses',
        summary: 'A client’s final assessments as FHIR QuestionnaireResponses',
        querystring: Type.Object(
          { subject: Type.String({ pattern: '^(Patient/)?[0-9a-f-]{36}$', examples: ['Patient/1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d'] }) },
          { additionalProperties: false },
        ),
        response: { 200: Resource, ...outcomeResponses(400, 404) },
      },
      config: { access: partnerOnly },
    },
    async (request, reply) => {
      const clientId = request.query.subject.replace(/^Patient\//, '');
      const client = await partnerClient(request.ctx, request.ip, { clientId }, 'assessment');
      const rows = await finalHistory(request.ctx, client.id);
      const resources = await Promise.all(rows.map(async (row) => questionnaireResponse(row, await instruments.get(row.instrument_id))));
      return send(reply, searchBundle(resources));
    },
  );

  app.get(
    '/fhir/r4/QuestionnaireResponse/:id',
    {
      schema: {
        tags,
        operationId: 'getFhirQuestionnaireResponse',
        summary: 'One final assessment as a FHIR QuestionnaireResponse',
        params: IdParams,
        response: { 200: Resource, ...outcomeResponses(400, 404) },
      },
      config: { access: partnerOnly },
    },
    async (request, reply) => {
      const row = await partnerAssessment(request.ctx, request.ip, request.params.id);
      return send(reply, questionnaireResponse(row, await instruments.get(row.instrument_id)));
    },
  );
};

export default fhirRoutes;
