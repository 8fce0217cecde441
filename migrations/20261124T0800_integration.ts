import { sql, type Kysely } from 'kysely';

/*
 * Integration: idempotency keys of create requests, and the change feed, a transactional outbox
 * filled by triggers in the transaction of each change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE idempotency_keys (
      credential text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      route text NOT NULL,
      status_code integer,
      content_type text,
      location text,
      etag text,
      body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (credential, key)
    );
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (created_at);

    CREATE TABLE changes (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- the writing transaction: the feed reads only transactions no running one can precede
      xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      entity_type text NOT NULL,
      entity_id uuid NOT NULL,
      operation text NOT NULL CHECK (operation IN ('create', 'update')),
      version integer NOT NULL,
      organization_id uuid NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX changes_feed ON changes (xid, seq);
    CREATE INDEX changes_by_organization ON changes (organization_id, xid, seq);

    CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO changes (entity_type, entity_id, operation, version, organization_id)
      VALUES (TG_ARGV[0], NEW.id, CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'update' END, NEW.version, NEW.organization_id);
      RETURN NULL;
    END $$;
    CREATE TRIGGER clients_changes AFTER INSERT OR UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION record_change('client');
    CREATE TRIGGER assessments_changes AFTER INSERT OR UPDATE ON assessments FOR EACH ROW EXECUTE FUNCTION record_change('assessment');
    CREATE TRIGGER support_programs_changes AFTER INSERT OR UPDATE ON support_programs FOR EACH ROW EXECUTE FUNCTION record_change('support_program');
    CREATE TRIGGER activities_changes AFTER INSERT OR UPDATE ON activities FOR EACH ROW EXECUTE FUNCTION record_change('activity');
  `.execute(db);
}
