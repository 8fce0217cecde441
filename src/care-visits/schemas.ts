import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, Instant, Month, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

/** The longest visit: twelve hours; a longer stay is more than one visit. */
export const MAX_VISIT_MINUTES = 720;

const ServiceCode = Type.String({
  pattern: '^[a-z][a-z_]{1,39}$',
  description: 'A code of the care-service catalog (GET /v1/care-services).',
  examples: ['hygiene'],
});

export const CareServiceSchema = Type.Object(
  { code: ServiceCode, titleRu: Type.String(), titleEn: Type.String() },
  { title: 'CareService', description: 'A service of home care a care assistant performs during a visit.' },
);
export type CareService = Static<typeof CareServiceSchema>;

export const CareServiceList = Type.Object({ items: Type.Array(CareServiceSchema), next: Type.Null() }, { title: 'CareServiceList' });

const visitFields = {
  careAssistantId: Type.String({ format: 'uuid', description: 'The staff member who made the visit: staff of the client’s organization.' }),
  startedAt: Instant('When the visit started. It counts wholly on this day on the organization’s clock, and may not be in the future.'),
  durationMinutes: Type.Integer({ minimum: 1, maximum: MAX_VISIT_MINUTES, description: 'How long the visit lasted, in minutes.' }),
  services: Type.Array(ServiceCode, { minItems: 1, maxItems: 30, uniqueItems: true, description: 'The services performed.' }),
  note: Type.Union([Text(2000), Type.Null()]),
};

export const CareVisitSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    careAssistantId: Uuid,
    startedAt: Timestamp,
    visitedOn: { ...CalendarDate, description: 'The day of `startedAt` on the organization’s clock: the day the visit counts on.' },
    durationMinutes: Type.Union([Type.Integer(), Type.Null()], { description: 'Null on a voided correction.' }),
    services: Type.Array(Type.String(), { description: 'Empty on a voided correction.' }),
    note: Type.Union([Type.String(), Type.Null()]),
    voided: Type.Boolean({ description: 'A correction saying that the visit it corrects did not take place.' }),
    corrects: Type.Union([Uuid, Type.Null()], { description: 'The visit this one corrects; null on an original visit.' }),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the correction was made; null on an original visit.' }),
    supersededBy: Type.Union([Uuid, Type.Null()], { description: 'The correction of this visit, once there is one.' }),
    counted: Type.Boolean({ description: 'Counts as care delivered: neither corrected (`supersededBy`) nor voided.' }),
    createdAt: Timestamp,
  },
  {
    title: 'CareVisit',
    description: 'A home-care visit (посещение на дому), never changed or deleted: a correction is a new visit that corrects it.',
  },
);
export type CareVisit = Static<typeof CareVisitSchema>;

export const CreateCareVisitSchema = Type.Object(
  { ...visitFields, note: Type.Optional(visitFields.note) },
  {
    additionalProperties: false,
    title: 'CreateCareVisit',
    examples: [
      {
        careAssistantId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        startedAt: '2025-02-04T10:00:00+03:00',
        durationMinutes: 90,
        services: ['hygiene', 'cooking'],
      },
    ],
  },
);
export type CreateCareVisit = Static<typeof CreateCareVisitSchema>;

export const CorrectCareVisitSchema = Type.Object(
  {
    reason: Text(1000, { description: 'Why the visit is corrected.', examples: ['Визит длился 60 минут, а не 90'] }),
    voided: Type.Optional(
      Type.Boolean({
        description: 'true: the visit did not take place; no other field may be given. Default: false.',
      }),
    ),
    careAssistantId: Type.Optional(visitFields.careAssistantId),
    startedAt: Type.Optional(visitFields.startedAt),
    durationMinutes: Type.Optional(visitFields.durationMinutes),
    services: Type.Optional(visitFields.services),
    note: Type.Optional(visitFields.note),
  },
  {
    additionalProperties: false,
    title: 'CorrectCareVisit',
    description:
      'The visit as it really was: the fields given replace the corrected visit’s, the others are kept. Correcting a voided ' +
      'visit (it took place after all) needs `durationMinutes` and `services`.',
    examples: [{ reason: 'Визит длился 60 минут, а не 90', durationMinutes: 60 }],
  },
);
export type CorrectCareVisit = Static<typeof CorrectCareVisitSchema>;

export const CareVisitParams = Type.Object({ clientId: Uuid, visitId: Uuid }, { additionalProperties: false });

export const CareVisitListQuery = Type.Object(
  {
    ...PageQuery,
    month: Type.Optional({ ...Month, description: 'Only visits of this month (`visitedOn`). Default: every month.' }),
  },
  { additionalProperties: false },
);

export const CareDeliveryQuery = Type.Object({ month: Month }, { additionalProperties: false });

const Hours = Type.Number({ description: 'Hours, two decimals.' });

const EntitledHours = Type.Object(
  {
    optimal: Hours,
    minimal: Hours,
    byLivingSituation: Type.Union([Hours, Type.Null()], { description: 'Null for an inpatient form (no family-status hours).' }),
  },
  { title: 'EntitledHours' },
);

const EntitlementSchema = Type.Object(
  {
    assessmentId: Uuid,
    decisionId: Type.Union([Uuid, Type.Null()], { description: 'The commission decision in force, whose group and hours apply.' }),
    group: Type.Integer({ minimum: 1, maximum: 6, description: 'The effective dependency group: decided, or computed.' }),
    weekly: { ...EntitledHours, description: 'Weekly hours of the assessment or decision in force.' },
    prorated: { ...EntitledHours, description: 'Weekly hours × daysInMonth / 7: the share of the week inside the month.' },
  },
  {
    title: 'CareEntitlement',
    description: 'The entitlement in force on the week’s last day inside the month; null when the client had no final assessment by then.',
  },
);

export const CareDeliveryWeekSchema = Type.Object(
  {
    week: Type.String({ description: 'ISO 8601 week.', examples: ['2025-W06'] }),
    from: { ...CalendarDate, description: 'The Monday of the week (it may be in the month before).' },
    to: { ...CalendarDate, description: 'The Sunday of the week (it may be in the month after).' },
    daysInMonth: Type.Integer({ minimum: 1, maximum: 7, description: 'Days of the week inside the month.' }),
    visits: Type.Integer({ description: 'Counted visits on those days.' }),
    deliveredHours: { ...Hours, description: 'Minutes of the counted visits on the week’s days inside the month / 60, two decimals.' },
    entitlement: Type.Union([EntitlementSchema, Type.Null()]),
    belowMinimal: Type.Union([Type.Boolean(), Type.Null()], {
      description: 'Delivered hours below the prorated minimal hours; null without an entitlement.',
    }),
  },
  { title: 'CareDeliveryWeek' },
);

export const CareDeliverySchema = Type.Object(
  {
    clientId: Uuid,
    month: Month,
    weeks: Type.Array(CareDeliveryWeekSchema, { description: 'Every ISO week (Monday to Sunday) with a day in the month, in order.' }),
    total: Type.Object({
      visits: Type.Integer(),
      deliveredHours: Hours,
      entitledHours: Type.Union([EntitledHours, Type.Null()], {
        description: 'The prorated hours summed over the weeks with an entitlement; null when no week has one.',
      }),
      belowMinimal: Type.Union([Type.Boolean(), Type.Null()], {
        description:
          'The hours delivered in the weeks with an entitlement below their summed prorated minimal hours; null when no week ' +
          'has an entitlement.',
      }),
    }),
  },
  {
    title: 'CareDelivery',
    description:
      'Care delivered against care entitled, per ISO week of the month: only visits on days of the month count, and a week ' +
      'only partly in the month is entitled to that part of its weekly hours (× daysInMonth / 7).',
  },
);
export type CareDelivery = Static<typeof CareDeliverySchema>;
export type CareDeliveryWeek = Static<typeof CareDeliveryWeekSchema>;
