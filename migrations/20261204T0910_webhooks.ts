import { sql, type Kysely } from 'kysely';

/*
 * Webhook subscriptions (issue 18). A subscription is a cursor on the change feed: `cursor_xid`,
 * `cursor_seq` name the last change it delivered or passed over, so its backlog is the feed after
 * that position and survives restarts, retries and a `failing` state without storing a copy of
 * any event. Its owner's scope is `organization_id` (a provider's organization; null for an
 * admin's subscription, which sees every organization).
 *
 * A statement that adds changes wakes the active subscriptions it concerns by adding their
 * delivery job in the same transaction (graphile-worker's add_job, its schema migrated after
 * ours): the job exists exactly when the change committed. One job key per subscription: at most
 * one job waits for it, and `preserve_run_at` keeps a retry's backoff. (One delivery at a time
 * per subscription is an advisory lock of the job's, src/webhooks/delivery.ts.)
 *
 * Commission decisions and resolved reassessment signals join the feed here, as creations of
 * version 1 (neither table has versions: a decision is superseded by a later one, a signal is
 * resolved once).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid REFERENCES organizations (id),
      owner_key_id uuid REFERENCES api_keys (id),
      url text NOT NULL CHECK (url ~ '^https?://'),
      event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
      description text,
      secret text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'failing')),
      cursor_xid xid8 NOT NULL,
      cursor_seq bigint NOT NULL,
      -- the next event's failed attempts and when the first of them failed
      attempts integer NOT NULL DEFAULT 0,
      failing_since timestamptz,
      next_attempt_at timestamptz,
      last_error text,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_subscriptions_page ON webhook_subscriptions (created_at, id);
    CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (organization_id) WHERE status = 'active';

    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
      message_id text NOT NULL,
      event_type text NOT NULL,
      entity_id uuid NOT NULL,
      change_xid xid8 NOT NULL,
      change_seq bigint NOT NULL,
      attempt integer NOT NULL CHECK (attempt >= 1),
      succeeded boolean NOT NULL,
      status_code integer,
      error text,
      response_excerpt text,
      duration_ms integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX webhook_deliveries_page ON webhook_deliveries (subscription_id, created_at, id);

    CREATE FUNCTION wake_webhook_subscriptions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- Checked first so that a write with no subscription to wake plans no call into the queue's schema.
      IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE status = 'active') THEN
        RETURN NULL;
      END IF;
      PERFORM graphile_worker.add_job(
        'webhook-delivery',
        json_build_object('subscriptionId', subscription.id),
        job_key => 'webhook:' || subscription.id,
        job_key_mode => 'preserve_run_at'
      )
      FROM webhook_subscriptions subscription
      WHERE subscription.status = 'active'
        AND EXISTS (
          SELECT 1 FROM added_changes change
          WHERE (subscription.organization_id IS NULL OR change.organization_id = subscription.organization_id)
            AND change.entity_type || CASE change.operation WHEN 'create' THEN '.created' ELSE '.updated' END = ANY (subscription.event_types)
        );
      RETURN NULL;
    END $$;
    CREATE TRIGGER changes_wake_webhooks AFTER INSERT ON changes
      REFERENCING NEW TABLE AS added_changes FOR EACH STATEMENT EXECUTE FUNCTION wake_webhook_subscriptions();

    CREATE FUNCTION record_creations_by_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO changes (entity_type, entity_id, operation, version, organization_id)
      SELECT TG_ARGV[0], (to_jsonb(created) ->> TG_ARGV[1])::uuid, 'create', 1, created.organization_id
      FROM changed_rows created;
      RETURN NULL;
    END $$;
    CREATE TRIGGER assessment_decisions_created AFTER INSERT ON assessment_decisions
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION record_creations_by_key('decision', 'id');
    CREATE TRIGGER reassessment_signal_resolutions_created AFTER INSERT ON reassessment_signal_resolutions
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION record_creations_by_key('reassessment_signal', 'signal_id');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER reassessment_signal_resolutions_created ON reassessment_signal_resolutions;
    DROP TRIGGER assessment_decisions_created ON assessment_decisions;
    DROP FUNCTION record_creations_by_key();
    DROP TRIGGER changes_wake_webhooks ON changes;
    DROP FUNCTION wake_webhook_subscriptions();
    DROP TABLE webhook_deliveries;
    DROP TABLE webhook_subscriptions;
  `.execute(db);
}
