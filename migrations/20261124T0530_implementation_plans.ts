import { sql, type Kysely } from 'kysely';

/*
 * The plan-schedule (план-график) of introducing milieu therapy in a department: tasks by stage
 * (I analysis and documentation, II directions of work, III monitoring) and the documents the
 * technology lists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE implementation_plans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      department_id uuid,
      title text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      FOREIGN KEY (organization_id, department_id) REFERENCES departments (organization_id, id)
    );
    CREATE INDEX implementation_plans_page ON implementation_plans (organization_id, created_at, id);

    CREATE TABLE plan_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      plan_id uuid NOT NULL REFERENCES implementation_plans (id),
      stage text NOT NULL CHECK (stage IN ('I', 'II', 'III')),
      title text NOT NULL,
      responsible_staff_id uuid REFERENCES staff (id),
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    CREATE INDEX plan_tasks_by_plan ON plan_tasks (plan_id, stage, due_on);
    CREATE INDEX plan_tasks_open ON plan_tasks (due_on) WHERE status <> 'done';

    CREATE TABLE plan_documents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      plan_id uuid NOT NULL REFERENCES implementation_plans (id),
      kind text NOT NULL CHECK (kind IN ('plan_schedule', 'equipment_plan', 'job_description', 'other')),
      title text NOT NULL,
      dated_on date NOT NULL,
      link text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX plan_documents_by_plan ON plan_documents (plan_id, dated_on);
  `.execute(db);
}
