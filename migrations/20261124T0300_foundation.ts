import { sql, type Kysely } from 'kysely';

// Organizations, their departments and staff, and the API keys that reach them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      short_name text,
      kind text NOT NULL CHECK (kind IN ('social_service', 'medical')),
      region_code text NOT NULL CHECK (region_code ~ '^[0-9]{2,3}$'),
      inn text CHECK (inn ~ '^([0-9]{10}|[0-9]{12})$'),
      address text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX organizations_inn_key ON organizations (inn) WHERE inn IS NOT NULL;
    CREATE INDEX organizations_page ON organizations (created_at, id);

    CREATE TABLE departments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      name text NOT NULL,
      care_form text NOT NULL CHECK (care_form IN ('home', 'inpatient')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (organization_id, name),
      -- lets staff (and later clients) reference a department together with its organization
      UNIQUE (organization_id, id)
    );
    CREATE INDEX departments_page ON departments (organization_id, created_at, id);

    CREATE TABLE staff (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      department_id uuid,
      full_name text NOT NULL,
      position text NOT NULL CHECK (position IN (
        'head_of_department', 'doctor', 'labor_instructor', 'exercise_therapy_instructor', 'librarian',
        'psychologist', 'social_work_specialist', 'social_worker', 'nurse', 'care_assistant', 'other')),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      -- a staff member's department belongs to the staff member's own organization
      FOREIGN KEY (organization_id, department_id) REFERENCES departments (organization_id, id),
      UNIQUE (organization_id, id)
    );
    CREATE INDEX staff_page ON staff (created_at, id);
    CREATE INDEX staff_by_organization ON staff (organization_id, created_at, id);

    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'regional', 'provider', 'medical_partner')),
      organization_id uuid REFERENCES organizations (id),
      secret_hash bytea NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      CHECK ((role IN ('provider', 'medical_partner')) = (organization_id IS NOT NULL))
    );
    CREATE INDEX api_keys_page ON api_keys (created_at, id);
  `.execute(db);
}
