import { sql, type Kysely } from 'kysely';

/*
 * Lists of an organization's clients in one dependency group (issue 16).
 *
 * A page by group walked the organization's clients in creation order and kept those of the
 * group, a sixth of them: about 2.3 ms of PostgreSQL for each page. An index on clients with the
 * group in it would find them directly, but a refresh that moves a client's group would then
 * rewrite every index of clients (no HOT update, see 20261126T1200), and a bulk import moves the
 * group of nearly every client it assesses.
 *
 * So the group is also kept in `client_groups`, a narrow copy of (organization, group, creation
 * time, id) for the clients who have one, indexed in the order a page reads. Triggers on clients
 * maintain it, once per statement from its transition tables, so that every writer of
 * current_group, a bulk refresh of thousands of clients or a later migration's backfill, keeps
 * it right without knowing of it. Only a change of group writes it; organization and creation
 * time never change. No foreign key: clients are never deleted (they are archived), and checking
 * one on every copied row would cost the import what the copy saves the page.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE client_groups (
      client_id uuid PRIMARY KEY,
      organization_id uuid NOT NULL,
      current_group smallint NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX client_groups_page ON client_groups (organization_id, current_group, created_at, client_id);

    INSERT INTO client_groups (client_id, organization_id, current_group, created_at)
    SELECT id, organization_id, current_group, created_at FROM clients WHERE current_group IS NOT NULL;

    CREATE FUNCTION client_groups_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO client_groups (client_id, organization_id, current_group, created_at)
        SELECT n.id, n.organization_id, n.current_group, n.created_at FROM changed_clients n
        WHERE n.current_group IS NOT NULL;
        RETURN NULL;
      END IF;
      DELETE FROM client_groups g USING changed_clients n, previous_clients o
      WHERE g.client_id = n.id AND o.id = n.id AND n.current_group IS NULL AND o.current_group IS NOT NULL;
      INSERT INTO client_groups (client_id, organization_id, current_group, created_at)
      SELECT n.id, n.organization_id, n.current_group, n.created_at
      FROM changed_clients n JOIN previous_clients o ON o.id = n.id
      WHERE n.current_group IS NOT NULL AND n.current_group IS DISTINCT FROM o.current_group
      ON CONFLICT (client_id) DO UPDATE SET current_group = EXCLUDED.current_group;
      RETURN NULL;
    END $$;
    CREATE TRIGGER client_groups_on_insert AFTER INSERT ON clients
      REFERENCING NEW TABLE AS changed_clients
      FOR EACH STATEMENT EXECUTE FUNCTION client_groups_follow();
    CREATE TRIGGER client_groups_on_update AFTER UPDATE ON clients
      REFERENCING OLD TABLE AS previous_clients NEW TABLE AS changed_clients
      FOR EACH STATEMENT EXECUTE FUNCTION client_groups_follow();
  `.execute(db);
}
