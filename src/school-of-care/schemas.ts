import { Type, type Static } from '@sinclair/typebox';
import { Attendance } from '../enums.js';
import { CalendarDate, Day, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

const Localized = Type.Object({ ru: Type.String(), en: Type.String() });

export const CourseTopicSchema = Type.Object(
  {
    code: Type.String({ examples: ['mobility'] }),
    title: Localized,
    formItems: Type.Array(Type.String(), {
      description: 'The items of the functional diagnostic forms (`instrument/item`) whose deficits the topic teaches a family to meet.',
      examples: [['bfd-home-2019/1', 'bfd-home-2019/5']],
    }),
  },
  { title: 'CourseTopic' },
);

export const CareCourseSchema = Type.Object(
  {
    id: Type.String({ examples: ['mobile-school-of-care-2019'] }),
    title: Localized,
    audience: Type.String(),
    topics: Type.Array(CourseTopicSchema, {
      description: 'What the course teaches; a carer who attended sessions covering all of them is trained.',
    }),
    source: Type.Object({ document: Type.String(), note: Type.String() }),
  },
  {
    title: 'CareCourse',
    description:
      'A course of the school of care (order No. 99, items 2.3 and 4: the «Мобильная школа по уходу»), as versioned data: ' +
      'it never changes once a session uses it; a new programme is a new id.',
  },
);
export type CareCourse = Static<typeof CareCourseSchema>;

export const CourseParams = Type.Object(
  { id: Type.String({ maxLength: 100, examples: ['mobile-school-of-care-2019'] }) },
  { additionalProperties: false },
);

export const CourseProgressSchema = Type.Object(
  {
    courseId: Type.String({ examples: ['mobile-school-of-care-2019'] }),
    sessionsAttended: Type.Integer({ description: 'Sessions of the course the carer attended (attendance `attended`), held by today.' }),
    topicsCovered: Type.Array(Type.String(), { description: 'The course’s topics those sessions covered, in the course’s order.' }),
    topicsRemaining: Type.Array(Type.String(), { description: 'The course’s topics still to attend.' }),
    trainedOn: Type.Union([CalendarDate, Type.Null()], {
      description: 'The day of the session that completed the course’s topics; null while some remain.',
    }),
  },
  { title: 'CourseProgress' },
);
export type CourseProgress = Static<typeof CourseProgressSchema>;

const AttendeeSchema = Type.Object({
  carerId: Uuid,
  clientId: Uuid,
  attendance: Attendance,
  note: Type.Union([Type.String(), Type.Null()]),
});

export const CareSessionSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    courseId: Type.String({ examples: ['mobile-school-of-care-2019'] }),
    heldOn: CalendarDate,
    conductedBy: Type.Array(Uuid, { description: 'Staff of the organization who ran the session.' }),
    topics: Type.Array(Type.String(), {
      description: 'Codes of the course’s topics the session covered.',
      examples: [['mobility', 'safe_home']],
    }),
    place: Type.Union([Type.String(), Type.Null()]),
    attendees: Type.Array(AttendeeSchema),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'CareSession', description: 'A session of the school of care with the carers who attended it.' },
);
export type CareSession = Static<typeof CareSessionSchema>;

const sessionFields = {
  heldOn: Day('The day of the session (or the day it is planned for).'),
  conductedBy: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true }),
  topics: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
  place: Type.Union([Text(500), Type.Null()], { examples: ['на дому у получателя услуг'] }),
};

export const CreateCareSessionSchema = Type.Object(
  {
    organizationId: Uuid,
    courseId: Type.String({ minLength: 1, maxLength: 100, examples: ['mobile-school-of-care-2019'] }),
    heldOn: sessionFields.heldOn,
    conductedBy: sessionFields.conductedBy,
    topics: sessionFields.topics,
    place: Type.Optional(sessionFields.place),
  },
  {
    additionalProperties: false,
    title: 'CreateCareSession',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        courseId: 'mobile-school-of-care-2019',
        heldOn: '2026-03-27',
        conductedBy: ['5b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e'],
        topics: ['mobility', 'safe_home'],
        place: 'на дому у получателя услуг',
      },
    ],
  },
);
export type CreateCareSession = Static<typeof CreateCareSessionSchema>;

export const UpdateCareSessionSchema = Type.Object(
  {
    heldOn: Type.Optional(sessionFields.heldOn),
    conductedBy: Type.Optional(sessionFields.conductedBy),
    topics: Type.Optional(sessionFields.topics),
    place: Type.Optional(sessionFields.place),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'UpdateCareSession',
    examples: [{ topics: ['mobility', 'safe_home', 'nutrition'] }],
  },
);
export type UpdateCareSession = Static<typeof UpdateCareSessionSchema>;

export const CareSessionListQuery = Type.Object(
  {
    organizationId: Type.Optional(Uuid),
    courseId: Type.Optional(Type.String({ maxLength: 100 })),
    carerId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CareSessionListFilter = Omit<Static<typeof CareSessionListQuery>, 'limit' | 'cursor'>;

const attendanceFields = {
  attendance: Attendance,
  note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
};

export const AttendanceSchema = Type.Object(attendanceFields, {
  additionalProperties: false,
  title: 'CareAttendance',
  examples: [{ attendance: 'attended' }],
});

export const BulkAttendanceSchema = Type.Object(
  {
    attendees: Type.Array(Type.Object({ carerId: Uuid, ...attendanceFields }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 200,
    }),
  },
  {
    additionalProperties: false,
    title: 'BulkCareAttendance',
    examples: [{ attendees: [{ carerId: '5b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e', attendance: 'attended' }] }],
  },
);
export type BulkAttendance = Static<typeof BulkAttendanceSchema>;

export const AttendeeParams = Type.Object({ id: Uuid, carerId: Uuid }, { additionalProperties: false });
