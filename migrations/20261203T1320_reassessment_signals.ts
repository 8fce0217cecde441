import { sql, type Kysely } from 'kysely';

/*
 * Signals for reassessment from everyday work (issue 17). The signals themselves are not stored:
 * they are derived from the recorded observations, questionnaires, attendance and assessments
 * whenever they are read, with an id computed from the records they rest on, so that every
 * instance of the service answers the same list without a background job. What is stored is the
 * resolution of a signal: the signal's id is the primary key, so a signal is resolved once, by
 * whichever instance answers first; the signal as it was listed is kept beside it.
 *
 * A resolution that schedules a reassessment brings the client's next check forward:
 * refreshCurrentAssessment reads the scheduled dates of the client's resolutions made after its
 * current assessment (the partial index below).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE reassessment_signal_resolutions (
      signal_id uuid PRIMARY KEY,
      client_id uuid NOT NULL,
      organization_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('outcomeIndicatorWorsened', 'attendanceDropped', 'questionnaireAverageDropped', 'rapidDeterioration')),
      signal_date date NOT NULL,
      -- the signal as it was listed when resolved: measure, before, after, threshold, basis
      signal jsonb NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('scheduled', 'dismissed')),
      scheduled_on date,
      reason text,
      resolved_by uuid NOT NULL REFERENCES staff (id),
      -- the organization's day of the resolution, compared with assessment dates
      resolved_on date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id),
      CHECK ((outcome = 'scheduled') = (scheduled_on IS NOT NULL)),
      CHECK (outcome <> 'dismissed' OR length(reason) > 0)
    );
    CREATE INDEX reassessment_signal_resolutions_scheduled ON reassessment_signal_resolutions (client_id, resolved_on)
      WHERE outcome = 'scheduled';
    CREATE INDEX reassessment_signal_resolutions_by_organization ON reassessment_signal_resolutions (organization_id, signal_date);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE reassessment_signal_resolutions`.execute(db);
}
