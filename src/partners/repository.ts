import { sql, type Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { AgreementRow, AgreementTable, ConsentRow } from '../db/schema.js';
import { after } from '../http/pagination.js';

export type AgreementWithOrganizations = AgreementRow & { organization_ids: string[] };

function selectAgreements(db: Db) {
  return db
    .selectFrom('agreements')
    .selectAll('agreements')
    .select(
      sql<string[]>`coalesce((SELECT array_agg(organization_id ORDER BY organization_id) FROM agreement_organizations WHERE agreement_id = agreements.id), '{}')`.as(
        'organization_ids',
      ),
    );
}

export async function insertAgreement(db: Db, row: Omit<AgreementRow, 'id' | 'created_at' | 'updated_at' | 'version' | 'status'> & { status?: AgreementRow['status'] }, organizationIds: string[]) {
  const agreement = await db.insertInto('agreements').values(row).returning('id').executeTakeFirstOrThrow();
  await setCoveredOrganizations(db, agreement.id, organizationIds);
  return agreement.id;
}

export async function setCoveredOrganizations(db: Db, agreementId: string, organizationIds: string[]) {
  await db.deleteFrom('agreement_organizations').where('agreement_id', '=', agreementId).execute();
  await db.insertInto('agreement_organizations').values(organizationIds.map((organization_id) => ({ agreement_id: agreementId, organization_id }))).execute();
}

export async function findAgreement(db: Db, id: string): Promise<AgreementWithOrganizations | undefined> {
  return selectAgreements(db).where('agreements.id', '=', id).executeTakeFirst();
}

export async function listAgreements(db: Db, filter: { medicalOrganizationId?: string; status?: AgreementRow['status']; cursor?: string; limit: number }) {
  return selectAgreements(db)
    .$if(filter.medicalOrganizationId !== undefined, (query) => query.where('medical_organization_id', '=', filter.medicalOrganizationId!))
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('agreements', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateAgreement(db: Db, id: string, expectedVersion: number, changes: Updateable<AgreementTable>) {
  return db
    .updateTable('agreements')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning('id')
    .executeTakeFirst();
}

export async function insertConsent(db: Db, row: Omit<ConsentRow, 'id' | 'created_at'>): Promise<ConsentRow> {
  return db.insertInto('consents').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listConsents(db: Db, clientId: string): Promise<ConsentRow[]> {
  return db.selectFrom('consents').selectAll().where('client_id', '=', clientId).orderBy('given_on').orderBy('created_at').limit(500).execute();
}

/**
 * The scopes a medical organization holds over a client on a day: from active agreements in their
 * dates that cover the client's organization, and only while the client's latest consent record
 * grants sharing. Empty: the partner sees nothing of the client. One query.
 */
export async function partnerScopes(db: Db, medicalOrganizationId: string, clientId: string, day: string): Promise<string[]> {
  const { rows } = await sql<{ scope: string }>`
    SELECT DISTINCT unnest(a.scope) AS scope
    FROM clients c
    JOIN agreement_organizations ao ON ao.organization_id = c.organization_id
    JOIN agreements a ON a.id = ao.agreement_id
    WHERE c.id = ${clientId}
      AND a.medical_organization_id = ${medicalOrganizationId}
      AND a.status = 'active' AND a.valid_from <= ${day} AND a.valid_to >= ${day}
      AND (SELECT k.status FROM consents k
           WHERE k.client_id = c.id AND k.kind = 'medical_data_sharing' AND k.given_on <= ${day}
           ORDER BY k.given_on DESC, k.created_at DESC LIMIT 1) = 'granted'
  `.execute(db);
  return rows.map((row) => row.scope);
}
