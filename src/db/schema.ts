import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type {
  ActivityStatus,
  AgreementScope,
  AgreementStatus,
  AssessmentStatus,
  Attendance,
  AuditAction,
  AuditOutcome,
  BulkJobKind,
  BulkJobStatus,
  BulkLineFlaw,
  CareForm,
  CarerRelation,
  ChangeEntity,
  ChangeOperation,
  ClientStatus,
  Component,
  ConsentKind,
  ConsentStatus,
  Direction,
  LivingSituation,
  ObservationMethod,
  OrganizationKind,
  Participation,
  PlanDocumentKind,
  Position,
  ProgramStatus,
  ReassessmentSignalKind,
  ReportStatus,
  RepresentativeDocumentKind,
  Role,
  SelfCareReduction,
  SubscriptionStatus,
  WebhookEventType,
  Sex,
  SignalOutcome,
  Stage,
  SubmissionFindingCode,
  TaskStatus,
} from '../enums.js';
import type { Instrument } from '../instruments/schemas.js';
import type { LongTermCareReport } from '../reports/schemas.js';
import type { SubmissionFinding } from '../reports/submissions-schemas.js';
import type { CareCourse } from '../school-of-care/schemas.js';
import type { SignalSnapshot } from '../reassessment-signals/schemas.js';
import type { Goal } from '../support-programs/schemas.js';
import type { SuggestionMapping } from '../support-programs/suggestion.js';

export type { AuditAction, Component, Direction, Attendance } from '../enums.js';

/** A timestamp column the database fills in; read back as a Date. */
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;
/** Optimistic-concurrency counter behind every ETag; starts at 1. */
type Version = ColumnType<number, never, number>;

export interface OrganizationTable {
  id: Generated<string>;
  name: string;
  short_name: string | null;
  kind: OrganizationKind;
  region_code: string;
  inn: string | null;
  address: string | null;
  time_zone: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface DepartmentTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  care_form: CareForm;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface StaffTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  full_name: string;
  position: Position;
  active: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface ApiKeyTable {
  id: Generated<string>;
  name: string;
  role: Role;
  organization_id: string | null;
  /** SHA-256 of the secret; the secret itself is never stored. */
  secret_hash: Buffer;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date | null, never, Date>;
  revoked_at: ColumnType<Date | null, never, Date>;
}

export interface InstrumentTable {
  id: string;
  care_form: CareForm;
  definition: JSONColumnType<Instrument>;
  created_at: CreatedAt;
}

export interface ClientTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  search_name: string;
  /** 'YYYY-MM-DD' */
  birth_date: string;
  sex: Sex;
  snils: string;
  care_form: CareForm;
  living_situation: LivingSituation;
  social_support: number;
  status: ClientStatus;
  external_id: string | null;
  address: string | null;
  notes: string | null;
  current_assessment_id: string | null;
  /** The current assessment's figures, maintained with current_assessment_id (see refreshCurrentAssessment). */
  current_instrument_id: ColumnType<string | null, never, string | null>;
  current_assessed_on: ColumnType<string | null, never, string | null>;
  current_score_quarters: ColumnType<number | null, never, number | null>;
  current_self_care_reduction: ColumnType<SelfCareReduction | null, never, SelfCareReduction | null>;
  current_group: ColumnType<number | null, never, number | null>;
  current_next_check_on: ColumnType<string | null, never, string | null>;
  current_hours_optimal: ColumnType<number | null, never, number | null>;
  current_hours_minimal: ColumnType<number | null, never, number | null>;
  current_hours_by_living_situation: ColumnType<number | null, never, number | null>;
  /** The commission decision the current figures come from, and the computed group beside them (issue 17). */
  current_decision_id: ColumnType<string | null, never, string | null>;
  current_computed_group: ColumnType<number | null, never, number | null>;
  /** The current assessment's near_boundary (GET /v1/clients?nearBoundary=). */
  current_near_boundary: ColumnType<boolean | null, never, boolean | null>;
  archived_at: ColumnType<Date | null, never, Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

/**
 * The group of each client who has one, kept by triggers on clients (20261204T1000) in the order a
 * page by group reads: written by the database only.
 */
export interface ClientGroupTable {
  client_id: ColumnType<string, never, never>;
  organization_id: ColumnType<string, never, never>;
  current_group: ColumnType<number, never, never>;
  created_at: ColumnType<Date, never, never>;
}

export interface AssessmentTable {
  id: Generated<string>;
  client_id: string;
  organization_id: string;
  instrument_id: string;
  status: AssessmentStatus;
  assessed_on: string;
  interview_no: number;
  answers: JSONColumnType<Record<string, string>>;
  score_quarters: number;
  dependency_group: number;
  self_care_reduction: SelfCareReduction;
  hours_optimal: number;
  hours_minimal: number;
  hours_by_living_situation: number | null;
  /** One item's answer moved to an adjacent option would change the group (src/instruments/explanation.ts). */
  near_boundary: boolean;
  living_situation: LivingSituation;
  social_support: number;
  next_check_on: string;
  conducted_by: string[];
  notes: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  supersede_reason: string | null;
  finalized_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

/** A commission's decision on a final assessment's group, kept beside the computed one (issue 17). */
export interface AssessmentDecisionTable {
  id: Generated<string>;
  assessment_id: string;
  client_id: string;
  organization_id: string;
  decided_group: number;
  self_care_reduction: SelfCareReduction;
  hours_optimal: number;
  hours_minimal: number;
  hours_by_living_situation: number | null;
  reason: string;
  decided_by: string[];
  decided_on: string;
  supersedes: string | null;
  superseded_by: ColumnType<string | null, never, string>;
  created_at: CreatedAt;
}

export interface ActivityTypeTable {
  id: Generated<string>;
  organization_id: string | null;
  code: string | null;
  name_ru: string;
  name_en: string;
  direction: Direction;
  participation: Participation;
  default_duration_minutes: number;
  staff_position: Position | null;
  components: Component[];
  max_group: number | null;
  retired_at: ColumnType<Date | null, never, Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface ActivitySeriesTable {
  id: Generated<string>;
  organization_id: string;
  rule: string;
  first_starts_at: Date;
  time_zone: string;
  created_at: CreatedAt;
}

export interface ActivityTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  activity_type_id: string;
  series_id: string | null;
  starts_at: Date;
  duration_minutes: number;
  place: string | null;
  capacity: number | null;
  responsible_staff: string[];
  status: Generated<ActivityStatus>;
  cancel_reason: string | null;
  /** Booked with allowOverlap: its staff's slots are left out of the double-booking constraint. */
  overlap_allowed: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface ActivityParticipantTable {
  activity_id: string;
  client_id: string;
  attendance: Attendance;
  engagement: number | null;
  note: string | null;
  /** Enrolled with allowOverlap: left out of the double-booking constraint. */
  overlap_allowed: Generated<boolean>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PlannedActivity {
  activityTypeId: string;
  timesPerWeek?: number;
  timesPerMonth?: number;
  responsibleStaffId?: string;
}

export interface SupportProgramTable {
  id: Generated<string>;
  client_id: string;
  organization_id: string;
  period_from: string;
  period_to: string;
  /** The goals with their reviews (migration 20261203T1330). */
  goals: JSONColumnType<Goal[]>;
  activities: JSONColumnType<PlannedActivity[]>;
  drafted_by: string[];
  status: ProgramStatus;
  /** Generated: the earliest target date of an active program's open goals. */
  review_due_on: ColumnType<string | null, never, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

/** A version of the mapping behind suggested programs; immutable (migration 20261203T1335). */
export interface ProgramSuggestionMappingTable {
  id: string;
  version: number;
  definition: JSONColumnType<SuggestionMapping>;
  created_at: CreatedAt;
}

export interface ImplementationPlanTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  title: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface PlanTaskTable {
  id: Generated<string>;
  plan_id: string;
  stage: Stage;
  title: string;
  responsible_staff_id: string | null;
  due_on: string;
  status: Generated<TaskStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface PlanDocumentTable {
  id: Generated<string>;
  plan_id: string;
  kind: PlanDocumentKind;
  title: string;
  dated_on: string;
  link: string | null;
  created_at: CreatedAt;
}

export interface QuestionnaireTable {
  id: Generated<string>;
  client_id: string;
  organization_id: string;
  template_id: string;
  filled_on: string;
  helped_by: string | null;
  physical: number;
  psychological: number;
  social: number;
  spiritual: number;
  satisfaction_process: number;
  satisfaction_results: number;
  wishes: string | null;
  created_at: CreatedAt;
}

export interface ObservationTable {
  id: Generated<string>;
  client_id: string;
  organization_id: string;
  observed_on: string;
  staff_id: string;
  method: ObservationMethod;
  self_care_skills: number;
  range_of_interests: number;
  communication: number;
  emotional_stability: number;
  depressive_episodes: number;
  aggressiveness: number;
  note: string | null;
  created_at: CreatedAt;
}

export interface SpecialistReportTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  staff_id: string;
  month: string;
  text: string;
  counts: JSONColumnType<Record<string, number>>;
  created_at: CreatedAt;
}

export interface MonitoringReportTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  month: string;
  status: Generated<ReportStatus>;
  content: JSONColumnType<object>;
  approved_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

/** A month's regional long-term care report as submitted, never changed (issue 18). */
export interface ReportSubmissionTable {
  id: Generated<string>;
  month: string;
  /** 'YYYY-MM-DD': the month's last day, or the day of submission in the current month. */
  as_of: string;
  weekly_hours_per_fte: number;
  hourly_rate: number | null;
  report: JSONColumnType<LongTermCareReport>;
  findings: JSONColumnType<SubmissionFinding[]>;
  finding_counts: JSONColumnType<Record<SubmissionFindingCode, number>>;
  supersedes: string | null;
  reason: string | null;
  created_at: CreatedAt;
}

export interface AgreementTable {
  id: Generated<string>;
  medical_organization_id: string;
  number: string;
  signed_on: string;
  valid_from: string;
  valid_to: string;
  scope: AgreementScope[];
  status: Generated<AgreementStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface ConsentTable {
  id: Generated<string>;
  client_id: string;
  kind: ConsentKind;
  status: ConsentStatus;
  given_on: string;
  document: string;
  /** Signed by this representative of the client; null: by the client. */
  representative_id: string | null;
  created_at: CreatedAt;
}

export interface CarerTable {
  id: Generated<string>;
  organization_id: string;
  client_id: string;
  full_name: string;
  relation: CarerRelation;
  lives_with_client: boolean;
  phone: string | null;
  email: string | null;
  cares_since: string | null;
  cares_until: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface RepresentativeTable {
  id: Generated<string>;
  organization_id: string;
  client_id: string;
  full_name: string;
  document_kind: RepresentativeDocumentKind;
  document_number: string;
  document_issued_on: string;
  document_issued_by: string;
  valid_until: string | null;
  phone: string | null;
  email: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface CareSessionTable {
  id: Generated<string>;
  organization_id: string;
  course_id: string;
  held_on: string;
  conducted_by: string[];
  topics: string[];
  place: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface CareSessionAttendeeTable {
  session_id: string;
  carer_id: string;
  organization_id: string;
  attendance: Attendance;
  note: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A home-care visit, never changed: a correction is a new visit that `corrects` it (issue 18). */
export interface CareVisitTable {
  id: Generated<string>;
  organization_id: string;
  client_id: string;
  care_assistant_id: string;
  started_at: Date;
  /** The day of the start on the organization's clock. */
  visited_on: string;
  /** Null only on a voided correction: the visit did not take place. */
  duration_minutes: number | null;
  services: string[];
  note: string | null;
  corrects: string | null;
  reason: string | null;
  voided: ColumnType<boolean, boolean | undefined, never>;
  created_at: CreatedAt;
  version: ColumnType<number, never, never>;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: CreatedAt;
  credential_id: string | null;
  role: string;
  organization_id: string | null;
  action: AuditAction;
  resource_type: string;
  resource_id: string | null;
  client_id: string | null;
  request_id: string;
  outcome: AuditOutcome;
  source_ip: string | null;
}

export interface IdempotencyKeyTable {
  credential: string;
  key: string;
  request_hash: string;
  route: string;
  status_code: number | null;
  content_type: string | null;
  location: string | null;
  etag: string | null;
  body: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ChangeTable {
  seq: Generated<number>;
  xid: Generated<string>;
  entity_type: ChangeEntity;
  entity_id: string;
  operation: ChangeOperation;
  version: number;
  organization_id: string;
  at: CreatedAt;
}

/** A cursor on the change feed with a receiver (migrations/20261204T0910_webhooks.ts). */
export interface WebhookSubscriptionTable {
  id: Generated<string>;
  /** The owner's scope: a provider's organization; null for an admin's, which sees every one. */
  organization_id: string | null;
  /** The key that created it; null for API_ADMIN_KEY. */
  owner_key_id: string | null;
  url: string;
  event_types: WebhookEventType[];
  description: string | null;
  secret: string;
  status: Generated<SubscriptionStatus>;
  cursor_xid: string;
  cursor_seq: number;
  attempts: Generated<number>;
  failing_since: Date | null;
  next_attempt_at: Date | null;
  last_error: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WebhookDeliveryTable {
  id: Generated<string>;
  subscription_id: string;
  message_id: string;
  event_type: WebhookEventType;
  entity_id: string;
  change_xid: string;
  change_seq: number;
  attempt: number;
  succeeded: boolean;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
  duration_ms: number;
  created_at: CreatedAt;
}

export interface ReassessmentSignalResolutionTable {
  signal_id: string;
  client_id: string;
  organization_id: string;
  kind: ReassessmentSignalKind;
  /** 'YYYY-MM-DD' */
  signal_date: string;
  /** The signal as listed when resolved (src/reassessment-signals/schemas.ts). */
  signal: JSONColumnType<SignalSnapshot, string, string>;
  outcome: SignalOutcome;
  scheduled_on: string | null;
  reason: string | null;
  resolved_by: string;
  resolved_on: string;
  created_at: CreatedAt;
}

/** An NDJSON import run in the background (src/bulk/jobs-service.ts), as submitted and as far as it got. */
export interface BulkImportJobTable {
  id: Generated<string>;
  organization_id: string;
  kind: BulkJobKind;
  status: ColumnType<BulkJobStatus, BulkJobStatus | undefined, BulkJobStatus>;
  /** Who submitted it: the worker runs it in this credential's scope. */
  credential_id: string | null;
  credential_role: Role;
  credential_organization_id: string | null;
  request_id: string;
  total_lines: ColumnType<number, number | undefined, number>;
  /** The number of the last line committed: the worker resumes after it. */
  processed_through: ColumnType<number, number | undefined, number>;
  processed_lines: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  error: JSONColumnType<object, string | null, string | null> | null;
  created_at: CreatedAt;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
}

export interface BulkImportJobLineTable {
  job_id: string;
  line: number;
  content: Buffer | null;
  flaw: BulkLineFlaw | null;
}

export interface BulkImportJobFailureTable {
  job_id: string;
  line: number;
  problem: JSONColumnType<object, string, never>;
}

export interface Database {
  organizations: OrganizationTable;
  departments: DepartmentTable;
  staff: StaffTable;
  api_keys: ApiKeyTable;
  instruments: InstrumentTable;
  program_suggestion_mappings: ProgramSuggestionMappingTable;
  clients: ClientTable;
  client_groups: ClientGroupTable;
  assessments: AssessmentTable;
  assessment_decisions: AssessmentDecisionTable;
  activity_types: ActivityTypeTable;
  activity_series: ActivitySeriesTable;
  activities: ActivityTable;
  activity_participants: ActivityParticipantTable;
  support_programs: SupportProgramTable;
  implementation_plans: ImplementationPlanTable;
  plan_tasks: PlanTaskTable;
  plan_documents: PlanDocumentTable;
  questionnaire_templates: { id: string; definition: JSONColumnType<object>; created_at: CreatedAt };
  questionnaires: QuestionnaireTable;
  observations: ObservationTable;
  specialist_reports: SpecialistReportTable;
  monitoring_reports: MonitoringReportTable;
  report_submissions: ReportSubmissionTable;
  agreements: AgreementTable;
  agreement_organizations: { agreement_id: string; organization_id: string };
  consents: ConsentTable;
  carers: CarerTable;
  representatives: RepresentativeTable;
  care_courses: { id: string; definition: JSONColumnType<CareCourse>; created_at: CreatedAt };
  care_sessions: CareSessionTable;
  care_session_attendees: CareSessionAttendeeTable;
  care_services: { code: string; title_ru: string; title_en: string; created_at: CreatedAt };
  care_visits: CareVisitTable;
  audit_events: AuditEventTable;
  idempotency_keys: IdempotencyKeyTable;
  changes: ChangeTable;
  reassessment_signal_resolutions: ReassessmentSignalResolutionTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  bulk_import_jobs: BulkImportJobTable;
  bulk_import_job_lines: BulkImportJobLineTable;
  bulk_import_job_failures: BulkImportJobFailureTable;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type NewOrganizationRow = Insertable<OrganizationTable>;
export type OrganizationUpdate = Updateable<OrganizationTable>;
export type DepartmentRow = Selectable<DepartmentTable>;
export type StaffRow = Selectable<StaffTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type ClientRow = Selectable<ClientTable>;
export type NewClientRow = Insertable<ClientTable>;
export type ClientUpdate = Updateable<ClientTable>;
export type AssessmentRow = Selectable<AssessmentTable>;
export type NewAssessmentRow = Insertable<AssessmentTable>;
export type AssessmentUpdate = Updateable<AssessmentTable>;
export type AssessmentDecisionRow = Selectable<AssessmentDecisionTable>;
export type NewAssessmentDecisionRow = Insertable<AssessmentDecisionTable>;
export type ActivityTypeRow = Selectable<ActivityTypeTable>;
export type ActivityRow = Selectable<ActivityTable>;
export type NewActivityRow = Insertable<ActivityTable>;
export type ParticipantRow = Selectable<ActivityParticipantTable>;
export type SupportProgramRow = Selectable<SupportProgramTable>;
export type ImplementationPlanRow = Selectable<ImplementationPlanTable>;
export type PlanTaskRow = Selectable<PlanTaskTable>;
export type PlanDocumentRow = Selectable<PlanDocumentTable>;
export type QuestionnaireRow = Selectable<QuestionnaireTable>;
export type ObservationRow = Selectable<ObservationTable>;
export type SpecialistReportRow = Selectable<SpecialistReportTable>;
export type MonitoringReportRow = Selectable<MonitoringReportTable>;
export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type ReportSubmissionRow = Selectable<ReportSubmissionTable>;
export type AgreementRow = Selectable<AgreementTable>;
export type ConsentRow = Selectable<ConsentTable>;
export type CarerRow = Selectable<CarerTable>;
export type RepresentativeRow = Selectable<RepresentativeTable>;
export type CareSessionRow = Selectable<CareSessionTable>;
export type CareSessionAttendeeRow = Selectable<CareSessionAttendeeTable>;
export type CareVisitRow = Selectable<CareVisitTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
