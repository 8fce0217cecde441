import { Type, type Static, type TUnsafe } from '@sinclair/typebox';

/*
 * Every enumeration of the service, written once. Each is a TypeBox schema that emits a JSON
 * Schema `enum` (so Swagger UI and generators offer every value) with each value described, and
 * carries its values for code: the routes, the contract, the Kysely table types
 * (src/db/schema.ts) and the database's CHECK constraints (test/db/enums.test.ts compares them)
 * all read these.
 */

/** A string enumeration: the values with what each one means. */
export type Enumeration<V extends string> = TUnsafe<V> & { readonly enum: readonly V[]; readonly values: readonly V[] };

export function enumeration<const V extends string>(meanings: Record<V, string>, description: string): Enumeration<V> {
  const values = Object.keys(meanings) as V[];
  const list = values.map((value) => `- \`${value}\`: ${meanings[value]}`).join('\n');
  const schema = Type.Unsafe<V>({
    type: 'string',
    enum: values,
    description: `${description}\n\n${list}`,
    'x-enum-descriptions': values.map((value) => meanings[value]),
  });
  // `values` is not a JSON Schema keyword: kept off the emitted schema, for code only.
  Object.defineProperty(schema, 'values', { value: values, enumerable: false });
  return schema as Enumeration<V>;
}

/** Whether `value` is one of the enumeration's values, narrowing its type. */
export function isOneOf<V extends string>(enumeration: Enumeration<V>, value: unknown): value is V {
  return (enumeration.values as readonly unknown[]).includes(value);
}

export const Role = enumeration(
  {
    admin: 'everything',
    regional: 'the regional department: reads every organization, registers organizations and agreements',
    provider: 'one social-service organization: reads and writes its own data only',
    medical_partner: 'a partner medical organization: the partner API only, under an agreement and consent',
  },
  'The role of an API key.',
);
export type Role = Static<typeof Role>;

export const OrganizationKind = enumeration(
  { social_service: 'a social-service organization (complex center, residential home)', medical: 'a medical organization, a partner' },
  'What the organization is.',
);
export type OrganizationKind = Static<typeof OrganizationKind>;

export const CareForm = enumeration(
  {
    home: 'social services at home (социальное обслуживание на дому)',
    inpatient: 'inpatient social services (в стационарной форме)',
  },
  'The form of social services.',
);
export type CareForm = Static<typeof CareForm>;

export const Sex = enumeration({ female: 'female', male: 'male' }, 'The client’s sex.');
export type Sex = Static<typeof Sex>;

export const ClientStatus = enumeration(
  {
    active: 'receives social services',
    suspended: 'services paused',
    discharged: 'no longer served',
    deceased: 'deceased: takes no new assessment',
  },
  'The client’s status in the register.',
);
export type ClientStatus = Static<typeof ClientStatus>;

export const LivingSituation = enumeration(
  {
    lonely: 'Одинокий: lonely',
    lives_alone: 'Одиноко проживающий: lives alone',
    lonely_family: 'Одинокая семья: a lonely family',
    family_lives_alone: 'Одиноко проживающая семья: a family living alone',
    lives_with_family: 'Живет в семье: lives with the family',
  },
  'Family status, the columns of the order’s second hours table.',
);
export type LivingSituation = Static<typeof LivingSituation>;

export const SelfCareReduction = enumeration(
  {
    none: 'нет: none',
    mild: 'легкое: mild',
    moderate: 'умеренное: moderate',
    severe: 'сильное: severe',
    very_severe: 'очень сильное: very severe',
    total: 'тотальное: total',
  },
  'Снижение способности к самообслуживанию: the reduction of the ability to care for oneself.',
);
export type SelfCareReduction = Static<typeof SelfCareReduction>;

export const AssessmentStatus = enumeration(
  { draft: 'editable, counts nowhere', final: 'immutable; the client’s figures and the reports read it' },
  'The state of an assessment.',
);
export type AssessmentStatus = Static<typeof AssessmentStatus>;

export const Position = enumeration(
  {
    head_of_department: 'head of department',
    doctor: 'doctor',
    labor_instructor: 'labor instructor',
    exercise_therapy_instructor: 'exercise therapy instructor',
    librarian: 'librarian',
    psychologist: 'psychologist',
    social_work_specialist: 'social work specialist',
    social_worker: 'social worker',
    nurse: 'nurse',
    care_assistant: 'care assistant (помощник по уходу)',
    other: 'another position',
  },
  'The staff position, as the milieu therapy technology names the team.',
);
export type Position = Static<typeof Position>;

export const Direction = enumeration(
  {
    physical_health: 'физкультурно-оздоровительное: physical health',
    cultural_leisure: 'культурно-досуговое: cultural and leisure',
    informational_educational: 'информационно-просветительское: informational and educational',
    labor_therapy: 'посильная трудотерапия: labor therapy',
    psychological: 'психологическое: psychological',
    medical: 'медицинское: medical',
  },
  'Direction of milieu therapy.',
);
export type Direction = Static<typeof Direction>;

export const Participation = enumeration(
  {
    active: 'asks activity of the client: labor therapy, sport, games',
    passive: 'asks no activity of the client: concerts, watching TV',
  },
  'How the client takes part.',
);
export type Participation = Static<typeof Participation>;

export const Component = enumeration(
  { physical: 'physical', psychological: 'psychological', social: 'social', spiritual: 'spiritual' },
  'A component of quality of life.',
);
export type Component = Static<typeof Component>;

export const ActivityStatus = enumeration(
  { planned: 'scheduled', held: 'took place', cancelled: 'called off, with a reason' },
  'The state of a session.',
);
export type ActivityStatus = Static<typeof ActivityStatus>;

export const Attendance = enumeration(
  {
    enrolled: 'signed up; counts against capacity',
    attended: 'took part; counts against capacity',
    absent: 'did not come',
    refused: 'refused to take part',
    excused: 'absent for a reason',
  },
  'A client’s participation in a session.',
);
export type Attendance = Static<typeof Attendance>;

export const ProgramStatus = enumeration(
  { draft: 'being written', active: 'running; one per client', completed: 'finished', cancelled: 'stopped' },
  'The state of a support program.',
);
export type ProgramStatus = Static<typeof ProgramStatus>;

export const WarningCode = enumeration(
  {
    unsuited_group: 'the activity type’s maxGroup is below the client’s group',
    no_assessment: 'the client has no group to check against',
  },
  'Why a planned activity may not suit the client.',
);
export type WarningCode = Static<typeof WarningCode>;

export const GoalStatus = enumeration(
  {
    planned: 'set, not yet worked on; open',
    in_progress: 'being worked on; open',
    achieved: 'reached',
    partly_achieved: 'reached in part',
    not_achieved: 'not reached',
  },
  'The state of a support-program goal; a review sets it. Planned and in-progress goals are open and fall due on their target date.',
);
export type GoalStatus = Static<typeof GoalStatus>;

export const SuggestionExclusion = enumeration(
  {
    unsuited_group: 'the activity type’s maxGroup is below the client’s group',
    retired: 'the activity type is retired from the catalog',
    not_in_catalog: 'the catalog has no activity type with this code',
  },
  'Why a suggested program leaves an activity type out.',
);
export type SuggestionExclusion = Static<typeof SuggestionExclusion>;

export const Stage = enumeration(
  { I: 'stage I: preparation', II: 'stage II: introduction', III: 'stage III: operation and analysis' },
  'The implementation stage of the plan-schedule.',
);
export type Stage = Static<typeof Stage>;

export const TaskStatus = enumeration({ planned: 'not started', in_progress: 'under way', done: 'finished' }, 'The state of a plan task.');
export type TaskStatus = Static<typeof TaskStatus>;

export const PlanDocumentKind = enumeration(
  {
    plan_schedule: 'the plan-schedule',
    equipment_plan: 'the equipment plan',
    job_description: 'a job description',
    other: 'another document',
  },
  'The kind of an implementation document.',
);
export type PlanDocumentKind = Static<typeof PlanDocumentKind>;

export const ObservationMethod = enumeration(
  { observation: 'the specialist observed', interview: 'the specialist asked' },
  'How the indicators were rated.',
);
export type ObservationMethod = Static<typeof ObservationMethod>;

export const ReportStatus = enumeration(
  { draft: 'built, may be built again', approved: 'immutable' },
  'The state of a monthly monitoring report.',
);
export type ReportStatus = Static<typeof ReportStatus>;

export const AgreementStatus = enumeration(
  { active: 'grants access within its dates', suspended: 'grants nothing for now', terminated: 'ended' },
  'The state of an interagency agreement.',
);
export type AgreementStatus = Static<typeof AgreementStatus>;

export const AgreementScope = enumeration(
  { assessments: 'functional diagnostics', support_programs: 'support programs', monitoring: 'monitoring' },
  'What an agreement shares.',
);
export type AgreementScope = Static<typeof AgreementScope>;

export const ConsentKind = enumeration({ medical_data_sharing: 'sharing with partner medical organizations' }, 'What the consent is for.');
export type ConsentKind = Static<typeof ConsentKind>;

export const ConsentStatus = enumeration({ granted: 'given', revoked: 'withdrawn' }, 'The consent’s state.');
export type ConsentStatus = Static<typeof ConsentStatus>;

export const ConsentSigner = enumeration(
  { client: 'the client signed it', representative: 'a representative signed it for the client, empowered by a document valid that day' },
  'Who signed the consent.',
);
export type ConsentSigner = Static<typeof ConsentSigner>;

export const CarerRelation = enumeration(
  {
    spouse: 'супруг(а): husband or wife',
    child: 'сын, дочь: son or daughter',
    grandchild: 'внук, внучка: grandchild',
    sibling: 'брат, сестра: brother or sister',
    parent: 'мать, отец: mother or father',
    child_in_law: 'зять, невестка: son- or daughter-in-law',
    other_relative: 'another relative',
    neighbour: 'сосед(ка): a neighbour',
    friend: 'a friend',
    other: 'someone else',
  },
  'How a family carer is related to the client.',
);
export type CarerRelation = Static<typeof CarerRelation>;

export const RepresentativeDocumentKind = enumeration(
  {
    guardianship_decision: 'решение органа опеки и попечительства: the guardianship authority appointed a guardian or trustee',
    court_decision: 'решение суда: a court decision',
    power_of_attorney: 'доверенность: a power of attorney the client gave',
    other: 'another document that empowers the representative',
  },
  'The document that empowers a representative (законный представитель) to act for the client.',
);
export type RepresentativeDocumentKind = Static<typeof RepresentativeDocumentKind>;

export const AuditAction = enumeration(
  {
    read: 'a recorded read of a client’s data: a partner’s read, a support program suggested from the assessment',
    create: 'a record created',
    update: 'a record changed',
    finalize: 'an assessment finalized',
    supersede: 'an assessment corrected',
    archive: 'a record archived, retired or revoked',
    export: 'a report or an export read',
  },
  'What an audited request did.',
);
export type AuditAction = Static<typeof AuditAction>;

export const AuditOutcome = enumeration({ allowed: 'answered', denied: 'refused' }, 'Whether the request was answered.');
export type AuditOutcome = Static<typeof AuditOutcome>;

export const ChangeOperation = enumeration({ create: 'created', update: 'changed' }, 'What happened to the record.');
export type ChangeOperation = Static<typeof ChangeOperation>;

/** The records on the change feed, and whether they change after their creation. */
const CHANGE_ENTITIES = {
  client: { meaning: 'a client', changes: true },
  assessment: { meaning: 'an assessment', changes: true },
  support_program: { meaning: 'a support program', changes: true },
  activity: { meaning: 'a session', changes: true },
  carer: { meaning: 'a family carer of a client', changes: true },
  representative: { meaning: 'a representative of a client', changes: true },
  care_session: { meaning: 'a session of the school of care', changes: true },
  care_visit: { meaning: 'a home-care visit or its correction (a correction is a visit of its own)', changes: false },
  decision: { meaning: 'a commission decision on an assessment’s group (a later decision supersedes it)', changes: false },
  reassessment_signal: {
    meaning: 'a signal for reassessment resolved: a reassessment scheduled or the signal dismissed',
    changes: false,
  },
} as const;
type ChangeEntityName = keyof typeof CHANGE_ENTITIES;
const changeEntities = Object.entries(CHANGE_ENTITIES) as Array<[ChangeEntityName, (typeof CHANGE_ENTITIES)[ChangeEntityName]]>;

export const ChangeEntity = enumeration(
  Object.fromEntries(changeEntities.map(([entity, { meaning }]) => [entity, meaning])) as Record<ChangeEntityName, string>,
  'The kind of record that changed.',
);
export type ChangeEntity = Static<typeof ChangeEntity>;

/** A webhook event type: a kind of record and what happened to it, `client.created` … */
export const WebhookEventType = enumeration(
  Object.fromEntries(
    changeEntities.flatMap(([entity, { meaning, changes }]) => [
      [`${entity}.created`, `${meaning}: created`],
      ...(changes ? [[`${entity}.updated`, `${meaning}: changed`]] : []),
    ]),
  ) as Record<`${ChangeEntityName}.${'created' | 'updated'}`, string>,
  'What a webhook event tells: the kind of record and whether it was created or changed.',
);
export type WebhookEventType = Static<typeof WebhookEventType>;

export const SubscriptionStatus = enumeration(
  {
    active: 'events are delivered',
    paused: 'paused by its owner: events wait (the backlog is kept) until it is active again',
    failing: 'an event kept failing for the whole retry period: deliveries stopped, the backlog is kept; a replay resumes them',
  },
  'The state of a webhook subscription.',
);
export type SubscriptionStatus = Static<typeof SubscriptionStatus>;

export const LineOutcome = enumeration(
  { created: 'a new record', updated: 'a known record changed', unchanged: 'a known record, as sent', failed: 'refused; see the problem' },
  'What the import did with a line.',
);
export type LineOutcome = Static<typeof LineOutcome>;

export const BulkJobKind = enumeration({ clients: 'a client import', assessments: 'an assessment import' }, 'What an import job imports.');
export type BulkJobKind = Static<typeof BulkJobKind>;

export const BulkJobStatus = enumeration(
  {
    queued: 'stored, waiting for a worker',
    running: 'a worker is importing it, a chunk of lines at a time',
    succeeded: 'every line was read; failed lines are counted and listed, not a failure of the job',
    failed: 'the job stopped before its end; `error` says why, the chunks committed before stay imported',
  },
  'The state of an import job.',
);
export type BulkJobStatus = Static<typeof BulkJobStatus>;

/** Why a stored line of an import job has no text: it is reported as the synchronous import reports it. */
export const BulkLineFlaw = enumeration(
  { not_utf8: 'the line is not valid UTF-8', too_long: 'the line is longer than an import line may be' },
  'Why a stored line has no text.',
);
export type BulkLineFlaw = Static<typeof BulkLineFlaw>;

export const CsvSeparator = enumeration(
  { ',': 'comma', ';': 'semicolon, with decimal commas, for Russian-locale Excel' },
  'CSV separator.',
);
export type CsvSeparator = Static<typeof CsvSeparator>;

export const SubmissionFindingCode = enumeration(
  {
    never_assessed: 'an active client with no final assessment by the day of the submission',
    overdue: 'an active client whose assessment in effect was due for its next check before the day of the submission',
    hours_contradict_group:
      'the weekly hours stored with the assessment (or its commission decision) differ from the order’s tables for the group in effect',
  },
  'What a validation finding of a monthly submission says.',
);
export type SubmissionFindingCode = Static<typeof SubmissionFindingCode>;

export const SubmissionDiffStatus = enumeration(
  {
    added: 'the organization is in the submission only',
    removed: 'the organization is in the submission compared against only',
    changed: 'the organization is in both, with figures that differ',
  },
  'How an organization differs between two monthly submissions.',
);
export type SubmissionDiffStatus = Static<typeof SubmissionDiffStatus>;

export const SubmissionPart = enumeration(
  { report: 'the submitted report, as the live report’s CSV', findings: 'the validation findings, one row each' },
  'Which part of a monthly submission a CSV answer holds.',
);
export type SubmissionPart = Static<typeof SubmissionPart>;

export const ReassessmentSignalKind = enumeration(
  {
    outcomeIndicatorWorsened: 'an outcome indicator moved the worse way by the set number of steps between two consecutive observations',
    attendanceDropped: 'a month’s attendance rate fell to the set share of the previous month’s or lower',
    questionnaireAverageDropped: 'a questionnaire’s average answer fell by the set number of points from the one before',
    rapidDeterioration: 'the current assessment is two groups or more above one of the six months before it (dynamics)',
  },
  'Why the client’s dependency group may be out of date.',
);
export type ReassessmentSignalKind = Static<typeof ReassessmentSignalKind>;

export const SignalOutcome = enumeration(
  { scheduled: 'a reassessment was scheduled (the client’s next check)', dismissed: 'no reassessment needed, with a reason' },
  'How a reassessment signal was resolved.',
);
export type SignalOutcome = Static<typeof SignalOutcome>;
