import { sql, type Kysely } from 'kysely';

/*
 * Interagency access (order No. 99, item 6): agreements between medical and social-service
 * organizations, clients' consent to share medical data, and the append-only audit trail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE agreements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      medical_organization_id uuid NOT NULL REFERENCES organizations (id),
      number text NOT NULL,
      signed_on date NOT NULL,
      valid_from date NOT NULL,
      valid_to date NOT NULL,
      scope text[] NOT NULL CHECK (scope <@ ARRAY['assessments', 'support_programs', 'monitoring']::text[]),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'terminated')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK (valid_to >= valid_from)
    );
    CREATE INDEX agreements_page ON agreements (created_at, id);
    CREATE INDEX agreements_by_partner ON agreements (medical_organization_id);

    CREATE TABLE agreement_organizations (
      agreement_id uuid NOT NULL REFERENCES agreements (id),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      PRIMARY KEY (agreement_id, organization_id)
    );
    CREATE INDEX agreement_organizations_by_organization ON agreement_organizations (organization_id);

    CREATE TABLE consents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES clients (id),
      kind text NOT NULL CHECK (kind IN ('medical_data_sharing')),
      status text NOT NULL CHECK (status IN ('granted', 'revoked')),
      given_on date NOT NULL,
      document text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX consents_latest ON consents (client_id, kind, given_on DESC, created_at DESC);

    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      credential_id uuid,
      role text NOT NULL,
      organization_id uuid,
      action text NOT NULL CHECK (action IN ('read', 'create', 'update', 'finalize', 'supersede', 'archive', 'export')),
      resource_type text NOT NULL,
      resource_id text,
      client_id uuid,
      request_id text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
      source_ip text
    );
    CREATE INDEX audit_events_by_client ON audit_events (client_id, id) WHERE client_id IS NOT NULL;
    CREATE INDEX audit_events_by_time ON audit_events (at, id);

    -- The trail is append-only for everyone, the application's role included.
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
  `.execute(db);
}
