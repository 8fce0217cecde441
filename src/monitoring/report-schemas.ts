import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CsvSeparator, Direction, ReportStatus, enumeration } from '../enums.js';
import { Month, PageQuery, Timestamp, Uuid } from '../http/common-schemas.js';
import { INDICATOR_NAMES, type Indicator } from './indicators.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const IndicatorName = Type.Unsafe<Indicator>({
  type: 'string',
  enum: INDICATOR_NAMES,
  description: 'An outcome indicator of the observations.',
});
const Averages = Type.Object({
  physical: Nullable(Type.Number()),
  psychological: Nullable(Type.Number()),
  social: Nullable(Type.Number()),
  spiritual: Nullable(Type.Number()),
  satisfactionProcess: Nullable(Type.Number()),
  satisfactionResults: Nullable(Type.Number()),
});

export const ReportContentSchema = Type.Object({
  sessions: Type.Object({
    planned: Type.Integer(),
    held: Type.Integer(),
    cancelled: Type.Integer(),
    byDirection: Type.Array(
      Type.Object({ direction: Direction, planned: Type.Integer(), held: Type.Integer(), cancelled: Type.Integer() }),
    ),
  }),
  participation: Type.Object({
    participants: Type.Integer({ description: 'Clients who attended at least one held session.' }),
    attended: Type.Integer(),
    records: Type.Integer({ description: 'Participation records of held sessions, whatever the attendance.' }),
    attendanceRate: Nullable(Type.Number({ description: 'attended / records × 100, one decimal.' })),
    activeShare: Nullable(Type.Number({ description: 'Share of attended participations in active activities, %.' })),
    passiveShare: Nullable(Type.Number()),
  }),
  supportPrograms: Type.Object({
    running: Type.Integer({ description: 'Active or completed programs whose period overlaps the month.' }),
    planned: Type.Integer(),
    attended: Type.Integer(),
    fulfilment: Nullable(Type.Number({ description: 'attended / planned × 100 over all running programs, one decimal.' })),
  }),
  questionnaires: Type.Object({
    count: Type.Integer(),
    previousCount: Type.Integer(),
    averages: Averages,
    previous: Averages,
    change: Averages,
  }),
  indicators: Type.Object({
    aggregate: Type.Array(
      Type.Object({ indicator: IndicatorName, improved: Type.Integer(), held: Type.Integer(), worsened: Type.Integer() }),
      { description: 'Clients observed in the month and before it, by trend of each indicator.' },
    ),
    clients: Type.Array(
      Type.Object({
        clientId: Uuid,
        changes: Type.Record(Type.String(), Nullable(Type.Integer()), {
          description: 'Rating change; null without an earlier observation.',
        }),
      }),
    ),
  }),
  clientsWithoutActivity: Type.Array(Uuid),
  groups: Type.Object(
    {
      '1': Type.Integer(),
      '2': Type.Integer(),
      '3': Type.Integer(),
      '4': Type.Integer(),
      '5': Type.Integer(),
      '6': Type.Integer(),
      neverAssessed: Type.Integer(),
    },
    { description: 'Active clients by dependency group of the latest final assessment at the end of the month.' },
  ),
});

export const MonitoringReportSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    departmentId: Type.Union([Uuid, Type.Null()]),
    month: Month,
    status: ReportStatus,
    content: ReportContentSchema,
    approvedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
  },
  { title: 'MonitoringReport' },
);

export const CreateMonitoringReportSchema = Type.Object(
  { organizationId: Uuid, departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])), month: Month },
  {
    additionalProperties: false,
    title: 'CreateMonitoringReport',
    examples: [{ organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1', month: '2025-02' }],
  },
);

export const MonitoringReportListQuery = Type.Object(
  {
    organizationId: Type.Optional(Uuid),
    fromMonth: Type.Optional(Month),
    toMonth: Type.Optional(Month),
    status: Type.Optional(ReportStatus),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ReportFormat = enumeration(
  { json: 'the report as JSON', csv: 'section, figure, value rows for spreadsheets', html: 'a printable page with charts' },
  'Overrides the Accept header: CSV for spreadsheets, HTML to print.',
);
export type ReportFormat = Static<typeof ReportFormat>;

export const ReportFormatQuery = Type.Object(
  { format: Type.Optional(ReportFormat), separator: Type.Optional(CsvSeparator) },
  { additionalProperties: false },
);

export type ReportContent = Static<typeof ReportContentSchema>;
export type MonitoringReport = Static<typeof MonitoringReportSchema>;
