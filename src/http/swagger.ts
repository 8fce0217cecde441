import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { finishDocument } from './openapi-document.js';

export const API_DESCRIPTION = `Registry and API of a regional long-term care system for elderly and disabled people
(система долговременного ухода): organizations, staff, clients, functional diagnostics, milieu therapy, monitoring.

Every \`/v1\` operation needs an API key: \`Authorization: Bearer <key>\` (the Authorize button).
Errors are \`application/problem+json\` (RFC 9457). Lists are cursor-paginated: follow \`next\`.
Updates are \`PATCH\` with \`If-Match\` set to the \`ETag\` of the version being changed.`;

/**
 * The tags in the order the domain reads: who provides care, to whom, how their needs are
 * assessed, the milieu therapy that answers them, how it is monitored and reported, the medical
 * partners, the systems that integrate, and the administration of the service.
 */
const TAG_GROUPS: Array<{ name: string; tags: Array<{ name: string; description: string }> }> = [
  {
    name: 'Organizations',
    tags: [
      { name: 'organizations', description: 'Social-service and medical organizations' },
      { name: 'departments', description: 'Departments of an organization, each with a care form' },
      { name: 'staff', description: 'Employees who assess clients and run activities' },
    ],
  },
  {
    name: 'Clients',
    tags: [
      { name: 'clients', description: 'Recipients of social services (получатели социальных услуг)' },
      { name: 'carers', description: 'Family carers and representatives of a client, with the documents that empower them' },
      {
        name: 'school-of-care',
        description: 'The «Мобильная школа по уходу» for families who care at home: courses, sessions, the carers who attended',
      },
      { name: 'care-visits', description: 'Home-care visits, their corrections, and care delivered against care entitled' },
    ],
  },
  {
    name: 'Assessments',
    tags: [
      { name: 'instruments', description: 'The functional diagnostic forms of order No. 99, as versioned data' },
      { name: 'assessments', description: 'Functional diagnostics: score, dependency group, weekly care hours, dynamics' },
    ],
  },
  {
    name: 'Milieu therapy',
    tags: [
      { name: 'activity-types', description: 'The catalog of milieu therapy activities, by direction' },
      { name: 'activities', description: 'Sessions, recurring series, enrolment and attendance, schedules' },
      { name: 'support-programs', description: 'Individual support programs and their monthly fulfilment' },
      { name: 'implementation-plans', description: 'Plan-schedules of introducing milieu therapy: stages, tasks, documents' },
    ],
  },
  {
    name: 'Monitoring',
    tags: [
      { name: 'monitoring', description: 'Questionnaires, outcome indicators, specialist reports and the monthly monitoring report' },
      {
        name: 'reassessment-signals',
        description: 'Signals from observations, questionnaires, attendance and dynamics that a group may be out of date',
      },
    ],
  },
  {
    name: 'Reports',
    tags: [
      { name: 'reports', description: 'Reports to the region: long-term care groups, hours and staffing, and the monthly submissions' },
    ],
  },
  {
    name: 'Partners',
    tags: [
      { name: 'agreements', description: 'Agreements on interagency cooperation with medical organizations' },
      { name: 'consents', description: 'Clients’ consent to share medical data' },
      { name: 'partner', description: 'What a medical partner may read, under an agreement and consent' },
      { name: 'fhir', description: 'FHIR R4 views for medical systems (application/fhir+json)' },
    ],
  },
  {
    name: 'Integration',
    tags: [
      { name: 'changes', description: 'The change feed for regional information systems' },
      { name: 'webhooks', description: 'Events pushed to receivers: subscriptions, signed deliveries, retries and replays' },
      { name: 'bulk', description: 'NDJSON imports of whole registers, matched by external ids' },
    ],
  },
  {
    name: 'Administration',
    tags: [
      { name: 'api-keys', description: 'Credentials of integrations and people' },
      { name: 'audit', description: 'The append-only audit trail' },
      { name: 'health', description: 'Liveness and readiness probes' },
    ],
  },
];

/** Generates the OpenAPI document from the route schemas and serves it with Swagger UI. */
/** Where Swagger UI is served: the service's only pages. */
export const DOCS_PREFIX = '/docs';

export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Long-term care registry',
          version: '1.0.0',
          description: API_DESCRIPTION,
          license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        },
        servers: [{ url: '/', description: 'This server' }],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from POST /v1/api-keys or DATA_DIR/admin-key.' },
          },
        },
        tags: TAG_GROUPS.flatMap((group) => group.tags),
      },
      // Redoc shows the tags under these headings; Swagger UI keeps the order of `tags`.
      transformObject: (document) =>
        finishDocument({
          ...('openapiObject' in document ? document.openapiObject : {}),
          'x-tagGroups': TAG_GROUPS.map((group) => ({ name: group.name, tags: group.tags.map((tag) => tag.name) })),
        }),
      // Shared schemas (Problem) become named components instead of `def-0`.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
    await app.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      // The tags start closed: opened all at once, Chromium's Swagger UI stopped rendering the
      // operations partway once the contract passed some 130 of them (test/docs/swagger-ui.test.ts).
      uiConfig: {
        persistAuthorization: true,
        displayRequestDuration: true,
        tryItOutEnabled: true,
        docExpansion: 'none',
      },
    });
    app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
