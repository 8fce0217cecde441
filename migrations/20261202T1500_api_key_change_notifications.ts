import { sql, type Kysely } from 'kysely';

/*
 * Several instances of the service share one database, and each caches the keys it authenticated
 * (src/api-keys/key-cache.ts). A change to a key (its revocation above all) is announced on the
 * channel `api_key_changes` with the key's id, so every instance forgets it at once. From a
 * trigger, so that every path that changes a key announces it; through pg_notify in the changing
 * transaction, so that it is delivered on commit and never for a change rolled back. Recording a
 * key's use (last_used_at, once a minute) changes nothing a cache holds and is not announced.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION announce_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('api_key_changes', OLD.id::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys FOR EACH ROW
      WHEN (to_jsonb(OLD) - 'last_used_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_used_at')
      EXECUTE FUNCTION announce_api_key_change();
    CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION announce_api_key_change();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER api_keys_deleted ON api_keys;
    DROP TRIGGER api_keys_changed ON api_keys;
    DROP FUNCTION announce_api_key_change();
  `.execute(db);
}
