import { Type, type Static } from '@sinclair/typebox';
import { ActivityStatus, Attendance } from '../enums.js';
import { Instant, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

export const ParticipantSchema = Type.Object({
  clientId: Uuid,
  attendance: Attendance,
  engagement: Type.Union([Type.Integer({ minimum: 0, maximum: 3 }), Type.Null()], {
    description: 'How engaged the client was: 0 not at all … 3 fully.',
  }),
  note: Type.Union([Type.String(), Type.Null()]),
});

export const ActivitySchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    departmentId: Type.Union([Uuid, Type.Null()]),
    activityTypeId: Uuid,
    seriesId: Type.Union([Uuid, Type.Null()]),
    startsAt: Timestamp,
    localStart: Type.String({ description: 'The start on the organization’s wall clock.', examples: ['2025-02-04T10:00'] }),
    durationMinutes: Type.Integer(),
    place: Type.Union([Type.String(), Type.Null()]),
    capacity: Type.Union([Type.Integer(), Type.Null()]),
    responsibleStaff: Type.Array(Uuid),
    status: ActivityStatus,
    cancelReason: Type.Union([Type.String(), Type.Null()]),
    participants: Type.Array(ParticipantSchema),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Activity' },
);

const sessionFields = {
  organizationId: Uuid,
  departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  activityTypeId: Uuid,
  startsAt: Instant('When the session starts.'),
  durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 720, description: 'Default: the type’s duration.' })),
  place: Type.Optional(Type.Union([Text(300), Type.Null()])),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()])),
  responsibleStaff: Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true }),
  allowOverlap: Type.Optional(Type.Boolean({ description: 'Book staff already busy at that time anyway.' })),
};

export const CreateActivitySchema = Type.Object(
  {
    ...sessionFields,
    status: Type.Optional(
      Type.Unsafe<Extract<ActivityStatus, 'planned' | 'held'>>({
        type: 'string',
        enum: ['planned', 'held'],
        description: 'planned (the default), or held to record a session afterwards.',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateActivity',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        activityTypeId: '6a1d2f4e-3b0c-4c1e-9d7a-2f1b3c4d5e6f',
        startsAt: '2025-02-04T10:00:00+03:00',
        place: 'Актовый зал',
        capacity: 12,
        responsibleStaff: ['3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59'],
      },
    ],
  },
);

export const CreateSeriesSchema = Type.Object(
  {
    ...sessionFields,
    rule: Type.String({
      minLength: 6,
      maxLength: 500,
      description:
        'RFC 5545 RRULE, FREQ DAILY or longer, with UNTIL at most two years after startsAt or COUNT up to 500; expanded on the organization’s wall clock from startsAt.',
      examples: ['FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20250228T235959Z'],
    }),
  },
  {
    additionalProperties: false,
    title: 'CreateActivitySeries',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        activityTypeId: '6a1d2f4e-3b0c-4c1e-9d7a-2f1b3c4d5e6f',
        startsAt: '2025-02-04T10:00:00+03:00',
        responsibleStaff: ['3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59'],
        rule: 'FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20250228T235959Z',
      },
    ],
  },
);

export const SeriesSchema = Type.Object(
  { id: Uuid, organizationId: Uuid, rule: Type.String(), timeZone: Type.String(), sessions: Type.Array(ActivitySchema) },
  { title: 'ActivitySeries' },
);

export const UpdateActivitySchema = Type.Object(
  {
    startsAt: Type.Optional(Instant('When the session starts.')),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 720 })),
    place: Type.Optional(Type.Union([Text(300), Type.Null()])),
    capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()])),
    responsibleStaff: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true })),
    status: Type.Optional(ActivityStatus),
    cancelReason: Type.Optional(Text(500, { description: 'Required when cancelling.' })),
    allowOverlap: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'UpdateActivity',
    examples: [{ status: 'cancelled', cancelReason: 'Карантин в отделении' }],
  },
);

export const ActivityListQuery = Type.Object(
  {
    organizationId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    activityTypeId: Type.Optional(Uuid),
    status: Type.Optional(ActivityStatus),
    from: Type.Optional(Instant('Sessions starting at or after.')),
    to: Type.Optional(Instant('Sessions starting before.')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ParticipationSchema = Type.Object(
  {
    attendance: Attendance,
    engagement: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 3 }), Type.Null()])),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    allowOverlap: Type.Optional(Type.Boolean({ description: 'Enrol even when the client has another session then.' })),
  },
  { additionalProperties: false, title: 'Participation', examples: [{ attendance: 'attended', engagement: 2 }] },
);

export const BulkParticipationSchema = Type.Object(
  {
    participants: Type.Array(
      Type.Object(
        {
          clientId: Uuid,
          attendance: Attendance,
          engagement: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 3 }), Type.Null()])),
          note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
    allowOverlap: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    title: 'BulkParticipation',
    examples: [{ participants: [{ clientId: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d', attendance: 'attended', engagement: 3 }] }],
  },
);

export const ParticipantParams = Type.Object({ id: Uuid, clientId: Uuid }, { additionalProperties: false });

export const ScheduleQuery = Type.Object(
  {
    from: Instant('Sessions starting at or after.', ['2025-02-01T00:00:00+03:00']),
    to: Instant('Sessions starting before.', ['2025-03-01T00:00:00+03:00']),
  },
  { additionalProperties: false },
);

export const ScheduleSchema = Type.Object(
  { items: Type.Array(ActivitySchema), next: Type.Null() },
  { title: 'Schedule', description: 'Sessions in time order; the range is at most 92 days, so there is one page.' },
);

export type Activity = Static<typeof ActivitySchema>;
export type CreateActivity = Static<typeof CreateActivitySchema>;
export type CreateSeries = Static<typeof CreateSeriesSchema>;
export type UpdateActivity = Static<typeof UpdateActivitySchema>;
export type ActivityListFilter = Omit<Static<typeof ActivityListQuery>, 'limit' | 'cursor'>;
export type Participation = Static<typeof ParticipationSchema>;
export type BulkParticipation = Static<typeof BulkParticipationSchema>;
