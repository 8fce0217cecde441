import { sql, type Insertable, type Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { AgreementRow, AgreementTable, ClientRow, ConsentRow, ConsentTable } from '../db/schema.js';
import type { AgreementStatus } from '../enums.js';

export type AgreementWithOrganizations = AgreementRow & { organization_ids: string[] };

/** What a partner's request names: a client by id or by SNILS (canonical), or an assessment by id. */
export type PartnerLookup = { clientId: string } | { snils: string } | { assessmentId: string };

function selectAgreements(ctx: Context) {
  return ctx.db
    .selectFrom('agreements')
    .selectAll('agreements')
    .select(
      sql<
        string[]
      >`coalesce((SELECT array_agg(organization_id ORDER BY organization_id) FROM agreement_organizations WHERE agreement_id = agreements.id), '{}')`.as(
        'organization_ids',
      ),
    );
}

export async function insertAgreement(tx: UnitOfWork, row: Insertable<AgreementTable>, organizationIds: string[]): Promise<string> {
  const agreement = await tx.db.insertInto('agreements').values(row).returning('id').executeTakeFirstOrThrow();
  await setCoveredOrganizations(tx, agreement.id, organizationIds);
  return agreement.id;
}

export async function setCoveredOrganizations(tx: UnitOfWork, agreementId: string, organizationIds: string[]): Promise<void> {
  await tx.db.deleteFrom('agreement_organizations').where('agreement_id', '=', agreementId).execute();
  await tx.db
    .insertInto('agreement_organizations')
    .values(organizationIds.map((organization_id) => ({ agreement_id: agreementId, organization_id })))
    .execute();
}

export async function findAgreement(ctx: Context, id: string): Promise<AgreementWithOrganizations | undefined> {
  return selectAgreements(ctx).where('agreements.id', '=', id).executeTakeFirst();
}

/** The agreements a list filter selects, for `paginate`. */
export function agreementsQuery(ctx: Context, filter: { medicalOrganizationId?: string; status?: AgreementStatus }) {
  let query = selectAgreements(ctx);
  if (filter.medicalOrganizationId !== undefined)
    query = query.where('agreements.medical_organization_id', '=', filter.medicalOrganizationId);
  if (filter.status !== undefined) query = query.where('agreements.status', '=', filter.status);
  return query;
}

export async function updateAgreement(tx: UnitOfWork, id: string, expectedVersion: number, changes: Updateable<AgreementTable>) {
  return tx.db
    .updateTable('agreements')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning('id')
    .executeTakeFirst();
}

/** The kind of each of these organizations that is registered. */
export async function organizationKinds(ctx: Context, ids: string[]) {
  if (ids.length === 0) return [];
  return ctx.db.selectFrom('organizations').select(['id', 'kind']).where('id', 'in', ids).execute();
}

export async function insertConsent(tx: UnitOfWork, client: ClientRow, row: Insertable<ConsentTable>): Promise<ConsentRow> {
  return tx.scoped.insertChildren('consents', client, row).returningAll().executeTakeFirstOrThrow();
}

export async function listConsents(ctx: Context, clientId: string): Promise<ConsentRow[]> {
  return ctx.scoped
    .selectFrom('consents')
    .selectAll()
    .where('consents.client_id', '=', clientId)
    .orderBy('consents.given_on')
    .orderBy('consents.created_at')
    .limit(500)
    .execute();
}

/**
 * The client a partner's refused request named, for its audit event only, so that the client's
 * access log shows the refused attempt too. The one read past the partner's grant, on purpose:
 * it reads the id alone, which the answer (the one 404) never carries.
 */
export async function refusedClientId(ctx: Context, lookup: PartnerLookup): Promise<string | null> {
  const query =
    'clientId' in lookup
      ? sql<{ id: string }>`SELECT id FROM clients WHERE id = ${lookup.clientId}`
      : 'snils' in lookup
        ? sql<{ id: string }>`SELECT id FROM clients WHERE snils = ${lookup.snils}`
        : sql<{
            id: string;
          }>`SELECT client_id AS id FROM assessments WHERE id = ${lookup.assessmentId} AND status = 'final' AND superseded_by IS NULL`;
  const { rows } = await query.execute(ctx.db);
  return rows[0]?.id ?? null;
}
