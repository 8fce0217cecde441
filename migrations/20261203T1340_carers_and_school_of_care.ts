import { sql, type Kysely } from 'kysely';

/*
 * Family carers, representatives and the school of care (order No. 99, items 2.3 and 4: the
 * "Mobile School of Care" for the families who care for clients at home; issue 17).
 *
 * - A carer (a relative or someone else who cares for the client) and a representative (who acts
 *   for the client by a document: a guardianship decision, a court decision, a power of attorney)
 *   belong to one client of one organization; the composite foreign keys keep them there.
 *   Neither is deleted: a carer who stops caring gets `cares_until`, a representative whose
 *   document ends gets `valid_until`, so the history (who attended which session, who signed
 *   which consent) stays readable.
 * - A consent may be signed by a representative of the same client: (client_id,
 *   representative_id) references the representative's own (client_id, id). The service checks
 *   that the document was valid on the consent's date; the database that the representative is
 *   the client's.
 * - The courses are data (migrations/data/school-of-care-2019.json), immutable once a session
 *   uses them, as the instruments are: a new programme is a new id.
 * - A session of the school has its course, day, organization, staff and the topics it covered;
 *   a carer attends a session once (the primary key), and only a session of the carer's own
 *   organization (the composite foreign keys).
 * - Carers, representatives and sessions enter the change feed as clients do (20261126T1210).
 */
const FEED = [
  ['carers', 'carer'],
  ['representatives', 'representative'],
  ['care_sessions', 'care_session'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE carers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      client_id uuid NOT NULL,
      full_name text NOT NULL,
      relation text NOT NULL CHECK (relation IN ('spouse', 'child', 'grandchild', 'sibling', 'parent', 'child_in_law',
        'other_relative', 'neighbour', 'friend', 'other')),
      lives_with_client boolean NOT NULL,
      phone text,
      email text,
      cares_since date,
      cares_until date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id),
      UNIQUE (organization_id, id),
      CHECK (cares_until IS NULL OR cares_since IS NULL OR cares_until >= cares_since)
    );
    CREATE INDEX carers_by_client ON carers (client_id, created_at, id);
    CREATE INDEX carers_page ON carers (created_at, id);

    CREATE TABLE representatives (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      client_id uuid NOT NULL,
      full_name text NOT NULL,
      document_kind text NOT NULL CHECK (document_kind IN ('guardianship_decision', 'court_decision', 'power_of_attorney', 'other')),
      document_number text NOT NULL,
      document_issued_on date NOT NULL,
      document_issued_by text NOT NULL,
      valid_until date,
      phone text,
      email text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id),
      UNIQUE (client_id, id),
      CHECK (valid_until IS NULL OR valid_until >= document_issued_on)
    );
    CREATE INDEX representatives_by_client ON representatives (client_id, created_at, id);
    CREATE INDEX representatives_page ON representatives (created_at, id);

    ALTER TABLE consents
      ADD COLUMN representative_id uuid,
      ADD FOREIGN KEY (client_id, representative_id) REFERENCES representatives (client_id, id);

    CREATE TABLE care_courses (
      id text PRIMARY KEY,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE care_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      course_id text NOT NULL REFERENCES care_courses (id),
      held_on date NOT NULL,
      conducted_by uuid[] NOT NULL CHECK (cardinality(conducted_by) >= 1),
      topics text[] NOT NULL CHECK (cardinality(topics) >= 1),
      place text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (organization_id, id)
    );
    CREATE INDEX care_sessions_page ON care_sessions (created_at, id);
    CREATE INDEX care_sessions_by_organization ON care_sessions (organization_id, created_at, id);

    CREATE TABLE care_session_attendees (
      session_id uuid NOT NULL,
      carer_id uuid NOT NULL,
      organization_id uuid NOT NULL,
      attendance text NOT NULL CHECK (attendance IN ('enrolled', 'attended', 'absent', 'refused', 'excused')),
      note text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, carer_id),
      FOREIGN KEY (organization_id, session_id) REFERENCES care_sessions (organization_id, id),
      FOREIGN KEY (organization_id, carer_id) REFERENCES carers (organization_id, id)
    );
    CREATE INDEX care_session_attendees_by_carer ON care_session_attendees (carer_id);

    -- A course is immutable once a session uses it: a new programme is a new id.
    CREATE FUNCTION care_courses_immutable_once_used() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM care_sessions WHERE course_id = OLD.id) THEN
        RAISE EXCEPTION 'course % is in use and cannot change; add a new version instead', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$;
    CREATE TRIGGER care_courses_immutable BEFORE UPDATE OR DELETE ON care_courses
      FOR EACH ROW EXECUTE FUNCTION care_courses_immutable_once_used();
  `.execute(db);
  for (const [table, entity] of FEED) {
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_created`)} AFTER INSERT ON ${sql.table(table)}
        REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes(${sql.lit(entity)});
      CREATE TRIGGER ${sql.id(`${table}_updated`)} AFTER UPDATE ON ${sql.table(table)}
        REFERENCING OLD TABLE AS previous_rows NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_updates(${sql.lit(entity)});
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE care_session_attendees;
    DROP TABLE care_sessions;
    DROP TABLE care_courses;
    DROP FUNCTION care_courses_immutable_once_used();
    ALTER TABLE consents DROP COLUMN representative_id;
    DROP TABLE representatives;
    DROP TABLE carers;
  `.execute(db);
}
