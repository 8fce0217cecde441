import type { Db } from '../db/database.js';
import type { Insertable } from 'kysely';
import type { ObservationRow, ObservationTable, QuestionnaireRow, QuestionnaireTable, SpecialistReportTable } from '../db/schema.js';
import { after } from '../http/pagination.js';

/** A client's questionnaires or observations, in the order they were entered. */
export function listClientInputs(db: Db, table: 'questionnaires', clientId: string, cursor: string | undefined, limit: number): Promise<QuestionnaireRow[]>;
export function listClientInputs(db: Db, table: 'observations', clientId: string, cursor: string | undefined, limit: number): Promise<ObservationRow[]>;
export async function listClientInputs(
  db: Db,
  table: 'questionnaires' | 'observations',
  clientId: string,
  cursor: string | undefined,
  limit: number,
): Promise<unknown[]> {
  return db
    .selectFrom(table as 'questionnaires')
    .selectAll()
    .where('client_id', '=', clientId)
    .$if(cursor !== undefined, (query) => query.where(after(table, cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export async function listSpecialistReports(
  db: Db,
  filter: { scope?: string; organizationId?: string; month?: string; staffId?: string; cursor?: string; limit: number },
) {
  return db
    .selectFrom('specialist_reports')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.month !== undefined, (query) => query.where('month', '=', filter.month!))
    .$if(filter.staffId !== undefined, (query) => query.where('staff_id', '=', filter.staffId!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('specialist_reports', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function findTemplate(db: Db, id: string) {
  return db.selectFrom('questionnaire_templates').select(['id', 'definition']).where('id', '=', id).executeTakeFirst();
}

export async function insertQuestionnaire(db: Db, row: Insertable<QuestionnaireTable>) {
  return db.insertInto('questionnaires').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertObservation(db: Db, row: Insertable<ObservationTable>) {
  return db.insertInto('observations').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertSpecialistReport(db: Db, row: Insertable<SpecialistReportTable>) {
  return db.insertInto('specialist_reports').values(row).returningAll().executeTakeFirstOrThrow();
}
