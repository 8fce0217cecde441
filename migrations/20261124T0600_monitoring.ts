import { sql, type Kysely } from 'kysely';

/*
 * Monitoring of milieu therapy (the technology's "Система мониторинга"): client questionnaires on
 * a versioned template, specialists' observations of outcome indicators, their short monthly
 * reports, and the monthly monitoring report kept as a snapshot.
 */
const TEMPLATE = {
  id: 'milieu-questionnaire-2025',
  title: { ru: 'Анкета получателя социальных услуг (милиотерапия)', en: 'Client questionnaire (milieu therapy)' },
  scale: {
    min: 1,
    max: 5,
    labels: {
      ru: ['очень плохо', 'плохо', 'удовлетворительно', 'хорошо', 'отлично'],
      en: ['very poor', 'poor', 'fair', 'good', 'excellent'],
    },
  },
  questions: [
    { code: 'physical', text: { ru: 'Как Вы оцениваете своё физическое самочувствие?', en: 'How do you rate your physical well-being?' } },
    {
      code: 'psychological',
      text: { ru: 'Как Вы оцениваете своё настроение и душевное состояние?', en: 'How do you rate your mood and state of mind?' },
    },
    {
      code: 'social',
      text: {
        ru: 'Довольны ли Вы общением и участием в жизни отделения?',
        en: 'Are you satisfied with your contacts and part in the life of the department?',
      },
    },
    {
      code: 'spiritual',
      text: { ru: 'Насколько Ваша жизнь наполнена интересами и смыслом?', en: 'How full of interests and meaning is your life?' },
    },
    {
      code: 'satisfactionProcess',
      text: { ru: 'Удовлетворены ли Вы тем, как проводятся занятия?', en: 'Are you satisfied with how the activities are run?' },
    },
    {
      code: 'satisfactionResults',
      text: { ru: 'Удовлетворены ли Вы результатами занятий?', en: 'Are you satisfied with the results of the activities?' },
    },
  ],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE questionnaire_templates (
      id text PRIMARY KEY,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE questionnaires (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES clients (id),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      template_id text NOT NULL REFERENCES questionnaire_templates (id),
      filled_on date NOT NULL,
      helped_by uuid REFERENCES staff (id),
      physical smallint NOT NULL CHECK (physical BETWEEN 1 AND 5),
      psychological smallint NOT NULL CHECK (psychological BETWEEN 1 AND 5),
      social smallint NOT NULL CHECK (social BETWEEN 1 AND 5),
      spiritual smallint NOT NULL CHECK (spiritual BETWEEN 1 AND 5),
      satisfaction_process smallint NOT NULL CHECK (satisfaction_process BETWEEN 1 AND 5),
      satisfaction_results smallint NOT NULL CHECK (satisfaction_results BETWEEN 1 AND 5),
      wishes text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX questionnaires_by_client ON questionnaires (client_id, filled_on);
    CREATE INDEX questionnaires_by_organization ON questionnaires (organization_id, filled_on);

    CREATE TABLE observations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES clients (id),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      observed_on date NOT NULL,
      staff_id uuid NOT NULL REFERENCES staff (id),
      method text NOT NULL CHECK (method IN ('observation', 'interview')),
      self_care_skills smallint NOT NULL CHECK (self_care_skills BETWEEN 0 AND 4),
      range_of_interests smallint NOT NULL CHECK (range_of_interests BETWEEN 0 AND 4),
      communication smallint NOT NULL CHECK (communication BETWEEN 0 AND 4),
      emotional_stability smallint NOT NULL CHECK (emotional_stability BETWEEN 0 AND 4),
      depressive_episodes smallint NOT NULL CHECK (depressive_episodes BETWEEN 0 AND 4),
      aggressiveness smallint NOT NULL CHECK (aggressiveness BETWEEN 0 AND 4),
      note text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX observations_by_client ON observations (client_id, observed_on, created_at);
    CREATE INDEX observations_by_organization ON observations (organization_id, observed_on);

    CREATE TABLE specialist_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      department_id uuid,
      staff_id uuid NOT NULL REFERENCES staff (id),
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      text text NOT NULL,
      counts jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (organization_id, department_id) REFERENCES departments (organization_id, id)
    );
    CREATE INDEX specialist_reports_page ON specialist_reports (organization_id, created_at, id);

    CREATE TABLE monitoring_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      department_id uuid,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
      content jsonb NOT NULL,
      approved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, department_id) REFERENCES departments (organization_id, id)
    );
    CREATE INDEX monitoring_reports_page ON monitoring_reports (organization_id, month, created_at, id);
    CREATE INDEX monitoring_reports_created ON monitoring_reports (created_at, id);

    -- an approved report was sent: it never changes again
    CREATE FUNCTION monitoring_reports_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'approved' THEN
        RAISE EXCEPTION 'monitoring report % is approved and cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$;
    CREATE TRIGGER monitoring_reports_immutable BEFORE UPDATE OR DELETE ON monitoring_reports
      FOR EACH ROW EXECUTE FUNCTION monitoring_reports_immutable();
  `.execute(db);
  await sql`INSERT INTO questionnaire_templates (id, definition) VALUES (${TEMPLATE.id}, ${JSON.stringify(TEMPLATE)}::jsonb)`.execute(db);
}
