import { sql, type Kysely } from 'kysely';

/*
 * Milieu therapy (the Kostroma technology in shared/seeds): the activity catalog, sessions and their
 * attendance, individual support programs, and the implementation plan-schedule of a department.
 */

type Direction = 'physical_health' | 'cultural_leisure' | 'informational_educational' | 'labor_therapy' | 'psychological' | 'medical';

/** [code, Russian, English, direction, participation, minutes, position, components, highest suitable group] */
const CATALOG: Array<[string, string, string, Direction, 'active' | 'passive', number, string, string[], number | null]> = [
  [
    'board_games',
    'Настольные игры',
    'Board games',
    'physical_health',
    'active',
    45,
    'exercise_therapy_instructor',
    ['physical', 'social'],
    5,
  ],
  [
    'table_tennis',
    'Настольный теннис',
    'Table tennis',
    'physical_health',
    'active',
    45,
    'exercise_therapy_instructor',
    ['physical', 'social'],
    3,
  ],
  ['darts', 'Дартс', 'Darts', 'physical_health', 'active', 30, 'exercise_therapy_instructor', ['physical', 'social'], 4],
  [
    'exercise_therapy',
    'Лечебная физкультура',
    'Exercise therapy',
    'physical_health',
    'active',
    30,
    'exercise_therapy_instructor',
    ['physical'],
    null,
  ],
  [
    'excursion',
    'Экскурсия',
    'Excursion',
    'cultural_leisure',
    'active',
    180,
    'social_work_specialist',
    ['social', 'psychological', 'spiritual'],
    3,
  ],
  [
    'holiday',
    'Праздник',
    'Holiday celebration',
    'cultural_leisure',
    'passive',
    90,
    'social_work_specialist',
    ['social', 'spiritual', 'psychological'],
    5,
  ],
  [
    'evening_of_rest',
    'Вечер отдыха',
    'Evening of rest',
    'cultural_leisure',
    'passive',
    90,
    'social_work_specialist',
    ['social', 'psychological'],
    5,
  ],
  ['games', 'Игры', 'Games', 'cultural_leisure', 'active', 45, 'social_work_specialist', ['social', 'psychological'], 5],
  ['quiz', 'Викторина', 'Quiz', 'cultural_leisure', 'active', 45, 'librarian', ['psychological', 'social'], 5],
  ['art_therapy', 'Арттерапия', 'Art therapy', 'cultural_leisure', 'active', 60, 'psychologist', ['psychological', 'spiritual'], 5],
  [
    'music_therapy',
    'Музыкотерапия',
    'Music therapy',
    'cultural_leisure',
    'passive',
    45,
    'psychologist',
    ['psychological', 'spiritual'],
    null,
  ],
  ['concert', 'Концерт', 'Concert', 'cultural_leisure', 'passive', 60, 'social_work_specialist', ['spiritual', 'social'], 5],
  [
    'thematic_talk',
    'Тематическая беседа',
    'Thematic talk',
    'informational_educational',
    'active',
    45,
    'social_work_specialist',
    ['social', 'psychological'],
    5,
  ],
  ['reading', 'Чтение', 'Reading', 'informational_educational', 'passive', 45, 'librarian', ['psychological', 'spiritual'], null],
  [
    'watching_tv',
    'Просмотр телевизионных передач',
    'Watching TV',
    'informational_educational',
    'passive',
    60,
    'social_worker',
    ['psychological'],
    null,
  ],
  [
    'household_orientation',
    'Занятие по социально-бытовой ориентации',
    'Social and household orientation class',
    'informational_educational',
    'active',
    45,
    'social_work_specialist',
    ['social', 'physical'],
    4,
  ],
  [
    'labor_therapy',
    'Посильная трудотерапия',
    'Labor therapy',
    'labor_therapy',
    'active',
    60,
    'labor_instructor',
    ['physical', 'social'],
    4,
  ],
  [
    'psychological_session',
    'Психологическое занятие',
    'Psychological session',
    'psychological',
    'active',
    45,
    'psychologist',
    ['psychological'],
    null,
  ],
  ['health_check', 'Медицинское наблюдение', 'Health check', 'medical', 'passive', 20, 'doctor', ['physical'], null],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE organizations ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Moscow';

    CREATE TABLE activity_types (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- null: the shared catalog, available to every organization
      organization_id uuid REFERENCES organizations (id),
      code text,
      name_ru text NOT NULL,
      name_en text NOT NULL,
      direction text NOT NULL CHECK (direction IN
        ('physical_health', 'cultural_leisure', 'informational_educational', 'labor_therapy', 'psychological', 'medical')),
      participation text NOT NULL CHECK (participation IN ('active', 'passive')),
      default_duration_minutes integer NOT NULL CHECK (default_duration_minutes BETWEEN 5 AND 720),
      staff_position text,
      components text[] NOT NULL,
      -- the highest dependency group the activity suits; null: every group
      max_group smallint CHECK (max_group BETWEEN 1 AND 6),
      retired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (code)
    );
    CREATE INDEX activity_types_page ON activity_types (created_at, id);

    CREATE TABLE activity_series (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      rule text NOT NULL,
      first_starts_at timestamptz NOT NULL,
      time_zone text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE activities (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      department_id uuid,
      activity_type_id uuid NOT NULL REFERENCES activity_types (id),
      series_id uuid REFERENCES activity_series (id),
      starts_at timestamptz NOT NULL,
      duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
      place text,
      capacity integer CHECK (capacity >= 1),
      responsible_staff uuid[] NOT NULL CHECK (cardinality(responsible_staff) >= 1),
      status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
      cancel_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, department_id) REFERENCES departments (organization_id, id),
      CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL))
    );
    CREATE INDEX activities_page ON activities (created_at, id);
    CREATE INDEX activities_by_time ON activities (organization_id, starts_at);
    CREATE INDEX activities_by_staff ON activities USING gin (responsible_staff);

    CREATE TABLE activity_participants (
      activity_id uuid NOT NULL REFERENCES activities (id),
      client_id uuid NOT NULL REFERENCES clients (id),
      attendance text NOT NULL CHECK (attendance IN ('enrolled', 'attended', 'absent', 'refused', 'excused')),
      engagement smallint CHECK (engagement BETWEEN 0 AND 3),
      note text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (activity_id, client_id)
    );
    CREATE INDEX activity_participants_by_client ON activity_participants (client_id);

    CREATE TABLE support_programs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES clients (id),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      period_from date NOT NULL,
      period_to date NOT NULL,
      goals jsonb NOT NULL,
      activities jsonb NOT NULL,
      drafted_by uuid[] NOT NULL,
      status text NOT NULL CHECK (status IN ('draft', 'active', 'completed', 'cancelled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK (period_to >= period_from)
    );
    -- one active program per client at a time
    CREATE UNIQUE INDEX support_programs_one_active ON support_programs (client_id) WHERE status = 'active';
    CREATE INDEX support_programs_page ON support_programs (client_id, created_at, id);
  `.execute(db);

  for (const [code, nameRu, nameEn, direction, participation, minutes, position, components, maxGroup] of CATALOG) {
    await sql`
      INSERT INTO activity_types
        (code, name_ru, name_en, direction, participation, default_duration_minutes, staff_position, components, max_group)
      VALUES (${code}, ${nameRu}, ${nameEn}, ${direction}, ${participation}, ${minutes}, ${position}, ${components}, ${maxGroup})
    `.execute(db);
  }
}
