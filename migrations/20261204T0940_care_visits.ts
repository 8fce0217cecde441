import { sql, type Kysely } from 'kysely';

/*
 * Care delivered at home against care entitled (issue 18).
 *
 * - The services a care assistant performs are data: `care_services`, seeded here with the
 *   services of home care the order names (a new service is a new code; a code in use stays).
 * - A visit belongs to one client of one organization and one care assistant of that
 *   organization: the composite foreign keys keep all three together.
 * - A visit is never changed nor deleted: a correction is a new visit that `corrects` the earlier
 *   one, with its `reason`, and may itself be corrected. `corrects` is UNIQUE, so a visit is
 *   corrected once, whoever tries at the same time; the corrected one stays, no longer counted.
 *   A correction with `voided` true says the visit did not take place: it keeps the visit's
 *   care assistant and start (the month it is listed in) and has no duration or services.
 * - Visits enter the change feed as clients do (20261126T1210); they are created only.
 */
const SERVICES: Array<[string, string, string]> = [
  ['hygiene', 'Гигиенические процедуры (умывание, обтирание, смена белья)', 'Personal hygiene'],
  ['feeding', 'Помощь в приёме пищи (кормление)', 'Help with eating'],
  ['cooking', 'Приготовление пищи', 'Cooking'],
  ['cleaning', 'Уборка жилого помещения', 'Cleaning the home'],
  ['laundry', 'Стирка и глажение белья', 'Laundry'],
  ['shopping', 'Покупка и доставка продуктов, лекарств, товаров первой необходимости', 'Shopping and delivery'],
  ['supervision', 'Присмотр (наблюдение за состоянием)', 'Supervision'],
  ['medication_reminder', 'Напоминание о приёме лекарств', 'Medication reminders'],
  ['mobility', 'Помощь в передвижении по дому, пересаживании, смене положения тела', 'Help with moving'],
  ['escort', 'Сопровождение вне дома (на прогулку, в медицинскую организацию)', 'Escort outside the home'],
  ['dressing', 'Помощь в одевании и раздевании', 'Help with dressing'],
  ['toileting', 'Помощь в пользовании туалетом, смена абсорбирующего белья', 'Help with toileting'],
  ['social_contact', 'Общение, поддержание социальных связей', 'Company and social contact'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE care_services (
      code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,39}$'),
      title_ru text NOT NULL,
      title_en text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE care_visits (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      client_id uuid NOT NULL,
      care_assistant_id uuid NOT NULL,
      started_at timestamptz NOT NULL,
      -- the day of the start on the organization's clock: the day, week and month the visit counts in
      visited_on date NOT NULL,
      duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 720),
      services text[] NOT NULL DEFAULT '{}',
      note text,
      corrects uuid UNIQUE,
      reason text,
      voided boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id),
      FOREIGN KEY (organization_id, care_assistant_id) REFERENCES staff (organization_id, id),
      -- a correction corrects a visit of the same client
      UNIQUE (client_id, id),
      FOREIGN KEY (client_id, corrects) REFERENCES care_visits (client_id, id),
      CHECK ((corrects IS NULL) = (reason IS NULL)),
      CHECK (NOT voided OR corrects IS NOT NULL),
      CHECK (voided = (duration_minutes IS NULL) AND voided = (cardinality(services) = 0))
    );
    CREATE INDEX care_visits_by_client ON care_visits (client_id, visited_on);
    CREATE INDEX care_visits_by_organization ON care_visits (organization_id, visited_on);
    CREATE INDEX care_visits_page ON care_visits (created_at, id);

    -- The catalog's codes a visit names exist; an array has no foreign key, so a trigger checks it.
    CREATE FUNCTION care_visit_services_known() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM unnest(NEW.services) s(code) WHERE s.code NOT IN (SELECT code FROM care_services)) THEN
        RAISE EXCEPTION 'care visit names a service not in care_services' USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER care_visit_services_known BEFORE INSERT ON care_visits
      FOR EACH ROW EXECUTE FUNCTION care_visit_services_known();

    -- Never changed, never deleted: a correction is a new visit.
    CREATE FUNCTION care_visits_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'care visits are corrected by a new visit, never changed or deleted'
        USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    CREATE TRIGGER care_visits_immutable BEFORE UPDATE OR DELETE ON care_visits
      FOR EACH ROW EXECUTE FUNCTION care_visits_immutable();

    CREATE TRIGGER care_visits_created AFTER INSERT ON care_visits
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('care_visit');
  `.execute(db);
  for (const [code, titleRu, titleEn] of SERVICES) {
    await sql`INSERT INTO care_services (code, title_ru, title_en) VALUES (${code}, ${titleRu}, ${titleEn})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE care_visits;
    DROP FUNCTION care_visits_immutable();
    DROP FUNCTION care_visit_services_known();
    DROP TABLE care_services;
  `.execute(db);
}
