import { sql } from 'kysely';
import t from 'tap';
import * as enums from '../../src/enums.js';
import type { Enumeration } from '../../src/enums.js';
import { createTestDatabase } from '../helpers/database.js';

/*
 * The enumerations of src/enums.ts are the one source; the migrations are frozen in time and
 * cannot import them, so this test holds the database's CHECK constraints to them: a value added
 * to one side only fails here.
 */
const COLUMNS: Record<string, Enumeration<string>> = {
  'organizations.kind': enums.OrganizationKind,
  'departments.care_form': enums.CareForm,
  'staff.position': enums.Position,
  'api_keys.role': enums.Role,
  'instruments.care_form': enums.CareForm,
  'clients.sex': enums.Sex,
  'clients.care_form': enums.CareForm,
  'clients.status': enums.ClientStatus,
  'clients.living_situation': enums.LivingSituation,
  'assessments.status': enums.AssessmentStatus,
  'assessments.self_care_reduction': enums.SelfCareReduction,
  'assessments.living_situation': enums.LivingSituation,
  'activity_types.direction': enums.Direction,
  'activity_types.participation': enums.Participation,
  'activity_types.staff_position': enums.Position,
  'activities.status': enums.ActivityStatus,
  'activity_participants.attendance': enums.Attendance,
  'support_programs.status': enums.ProgramStatus,
  'plan_tasks.stage': enums.Stage,
  'plan_tasks.status': enums.TaskStatus,
  'plan_documents.kind': enums.PlanDocumentKind,
  'observations.method': enums.ObservationMethod,
  'monitoring_reports.status': enums.ReportStatus,
  'agreements.status': enums.AgreementStatus,
  'consents.kind': enums.ConsentKind,
  'consents.status': enums.ConsentStatus,
  'carers.relation': enums.CarerRelation,
  'representatives.document_kind': enums.RepresentativeDocumentKind,
  'care_session_attendees.attendance': enums.Attendance,
  'audit_events.action': enums.AuditAction,
  'audit_events.outcome': enums.AuditOutcome,
  'changes.operation': enums.ChangeOperation,
  'changes.entity_type': enums.ChangeEntity,
  'reassessment_signal_resolutions.kind': enums.ReassessmentSignalKind,
  'reassessment_signal_resolutions.outcome': enums.SignalOutcome,
  'webhook_subscriptions.status': enums.SubscriptionStatus,
  'bulk_import_jobs.kind': enums.BulkJobKind,
  'bulk_import_jobs.status': enums.BulkJobStatus,
  'bulk_import_jobs.credential_role': enums.Role,
  'bulk_import_job_lines.flaw': enums.BulkLineFlaw,
};

t.test('the database’s enumerations are the ones of src/enums.ts', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const { rows } = await sql<{ table: string; definition: string }>`
    SELECT c.conrelid::regclass::text AS table, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE c.contype = 'c' AND n.nspname = 'public'
  `.execute(database.db);
  const checked = new Map<string, string[]>();
  for (const { table, definition } of rows) {
    // One column against a list of text values: `CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))`.
    const match =
      /^CHECK \(\(?\(?(\w+) = ANY \(\(?ARRAY\[(.*?)\]\)?(?:::text\[\])?\)\)?\)?\)$/.exec(definition) ??
      /^CHECK \(\((\w+) = '([^']*)'::text\)\)$/.exec(definition);
    if (!match?.[1] || match[2] === undefined) continue;
    const values = [...match[2].matchAll(/'([^']*)'/g)].map((value) => value[1] ?? '');
    checked.set(`${table}.${match[1]}`, values.length ? values : [match[2]]);
  }
  for (const [column, enumeration] of Object.entries(COLUMNS)) {
    const values = checked.get(column);
    if (!values) continue;
    t.same([...values].sort(), [...enumeration.values].sort(), column);
  }
  const unmapped = [...checked.keys()].filter((column) => !(column in COLUMNS));
  t.same(unmapped, [], 'every enumerated column of the database has its enumeration');
  t.ok(checked.size >= 20, `the checks were read (${checked.size})`);
});
