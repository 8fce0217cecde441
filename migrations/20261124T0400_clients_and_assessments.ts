import { sql, type Kysely } from 'kysely';
import bfd2019 from './data/bfd-2019.json' with { type: 'json' };

/*
 * Clients, the functional diagnostic instruments of order No. 99 (annexes 1 and 2) as data, and
 * assessments. The instruments' JSON is the order's text; see migrations/data/bfd-2019.json.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE instruments (
      id text PRIMARY KEY,
      care_form text NOT NULL CHECK (care_form IN ('home', 'inpatient')),
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE clients (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      department_id uuid,
      last_name text NOT NULL,
      first_name text NOT NULL,
      middle_name text,
      -- lower-cased "last first middle" with ё as е, for prefix search in any database locale
      search_name text NOT NULL,
      birth_date date NOT NULL,
      sex text NOT NULL CHECK (sex IN ('female', 'male')),
      snils char(11) NOT NULL CHECK (snils ~ '^[0-9]{11}$'),
      care_form text NOT NULL CHECK (care_form IN ('home', 'inpatient')),
      living_situation text NOT NULL CHECK (living_situation IN
        ('lonely', 'lives_alone', 'lonely_family', 'family_lives_alone', 'lives_with_family')),
      social_support smallint NOT NULL CHECK (social_support BETWEEN 1 AND 4),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'discharged', 'deceased')),
      external_id text,
      address text,
      notes text,
      -- the latest final, not superseded assessment; kept in the transaction that changes it
      current_assessment_id uuid,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, department_id) REFERENCES departments (organization_id, id),
      UNIQUE (organization_id, id)
    );
    CREATE UNIQUE INDEX clients_snils_key ON clients (snils);
    CREATE UNIQUE INDEX clients_external_id_key ON clients (organization_id, external_id) WHERE external_id IS NOT NULL;
    CREATE INDEX clients_page ON clients (created_at, id);
    CREATE INDEX clients_by_organization ON clients (organization_id, created_at, id);
    CREATE INDEX clients_search_name ON clients (search_name text_pattern_ops);

    CREATE TABLE assessments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL,
      organization_id uuid NOT NULL,
      instrument_id text NOT NULL REFERENCES instruments (id),
      status text NOT NULL CHECK (status IN ('draft', 'final')),
      assessed_on date NOT NULL,
      interview_no integer NOT NULL CHECK (interview_no >= 1),
      answers jsonb NOT NULL,
      -- the score in quarter points (the order's points are multiples of 0.25)
      score_quarters integer NOT NULL CHECK (score_quarters >= 0),
      dependency_group smallint NOT NULL CHECK (dependency_group BETWEEN 1 AND 6),
      self_care_reduction text NOT NULL,
      hours_optimal integer NOT NULL,
      hours_minimal integer NOT NULL,
      hours_by_living_situation integer,
      living_situation text NOT NULL,
      social_support smallint NOT NULL CHECK (social_support BETWEEN 1 AND 4),
      next_check_on date NOT NULL,
      conducted_by uuid[] NOT NULL CHECK (cardinality(conducted_by) BETWEEN 1 AND 2),
      notes text,
      supersedes uuid REFERENCES assessments (id),
      superseded_by uuid REFERENCES assessments (id),
      supersede_reason text,
      finalized_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id),
      CHECK ((status = 'final') = (finalized_at IS NOT NULL)),
      CHECK ((supersedes IS NULL) = (supersede_reason IS NULL))
    );
    CREATE INDEX assessments_by_client ON assessments (client_id, assessed_on, created_at);
    CREATE INDEX assessments_page ON assessments (created_at, id);
    CREATE INDEX assessments_by_organization ON assessments (organization_id, created_at, id);
    CREATE UNIQUE INDEX assessments_one_correction ON assessments (supersedes) WHERE supersedes IS NOT NULL AND status = 'final';

    ALTER TABLE clients ADD FOREIGN KEY (current_assessment_id) REFERENCES assessments (id);
    CREATE INDEX clients_current_assessment ON clients (current_assessment_id);

    -- An instrument version is immutable once an assessment uses it: a new version is a new id.
    CREATE FUNCTION instruments_immutable_once_used() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM assessments WHERE instrument_id = OLD.id) THEN
        RAISE EXCEPTION 'instrument % is in use and cannot change; add a new version instead', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$;
    CREATE TRIGGER instruments_immutable BEFORE UPDATE OR DELETE ON instruments
      FOR EACH ROW EXECUTE FUNCTION instruments_immutable_once_used();
  `.execute(db);

  for (const instrument of bfd2019.instruments) {
    await sql`
      INSERT INTO instruments (id, care_form, definition)
      VALUES (${instrument.id}, ${instrument.careForm}, ${JSON.stringify({ ...instrument, source: bfd2019.source })}::jsonb)
    `.execute(db);
  }
}
