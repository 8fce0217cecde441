import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { CreateCareVisitSchema } from '../care-visits/schemas.js';
import { countedVisitsAt, insertVisits, type StoredVisit } from '../care-visits/repository.js';
import { correctVisit, visitDay, visitErrors, visitRefusal, visitRules } from '../care-visits/service.js';
import { CareVisitRuleViolated } from '../care-visits/problems.js';
import type { UnitOfWork } from '../context/request-context.js';
import { inSavepoint } from '../db/errors.js';
import { withFields } from '../http/problems.js';
import { compileDocumentValidator } from '../http/validation.js';
import { failedLine, refusedLine, type Importer, type ParsedLine } from './import.js';
import * as repository from './repository.js';
import type { LineResult } from './schemas.js';

export const BulkCareVisitLineSchema = Type.Object(
  {
    clientExternalId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The client’s externalId in the organization.',
      examples: ['IVS-000123'],
    }),
    ...CreateCareVisitSchema.properties,
  },
  {
    additionalProperties: false,
    title: 'BulkCareVisitLine',
    description:
      'One line of a visit import: a visit as in createCareVisit, naming its client by externalId. It matches the counted ' +
      'visit of that client by the same care assistant at the same `startedAt`: a line that differs files a correction of it.',
  },
);
export type BulkCareVisitLine = Static<typeof BulkCareVisitLineSchema>;

/** Why a correction was filed, on every visit an import corrects. */
export const IMPORT_CORRECTION_REASON = 'Corrected by a bulk import: the sender’s record differs from the visit.';

const keyOf = (clientId: string, careAssistantId: string, startedAt: string) =>
  `${clientId}\n${careAssistantId}\n${new Date(startedAt).toISOString()}`;

/** Whether the line says what the stored visit says; a note the line leaves out is not compared. */
function matches(row: StoredVisit, record: BulkCareVisitLine): boolean {
  const services = new Set(row.services);
  return (
    row.duration_minutes === record.durationMinutes &&
    record.services.length === services.size &&
    record.services.every((code) => services.has(code)) &&
    (record.note === undefined || record.note === row.note)
  );
}

/**
 * Visits of one organization's clients, matched by client, care assistant and start: a new one
 * is checked as createCareVisit checks it and written a batch at a time, one that differs from
 * the counted visit files a correction of it, and an identical line changes nothing, so a file
 * can be sent again.
 */
export async function careVisitImporter(tx: UnitOfWork, organizationId: string): Promise<Importer<BulkCareVisitLine>> {
  const staff = await repository.staffIdsOf(tx, organizationId);
  const rules = { ...(await visitRules(tx, organizationId)), staff: async (ids: string[]) => new Set(ids.filter((id) => staff.has(id))) };
  const seen = new Map<string, number>();

  async function apply(batch: Array<ParsedLine<BulkCareVisitLine>>): Promise<LineResult[]> {
    const clients = await repository.heldClientsByExternalId(tx, organizationId, [
      ...new Set(batch.map(({ record }) => record.clientExternalId)),
    ]);
    const results: LineResult[] = [];
    const valid: Array<{ line: number; record: BulkCareVisitLine; clientId: string; key: string }> = [];
    for (const { line, record } of batch) {
      const client = clients.get(record.clientExternalId);
      if (!client) {
        results.push(
          failedLine(line, 422, 'Unknown client.', [{ pointer: '/clientExternalId', message: 'is not a client of the organization' }]),
        );
        continue;
      }
      const key = keyOf(client.id, record.careAssistantId, record.startedAt);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        results.push(
          failedLine(line, 422, `Line ${earlier} of this file already holds this visit.`, [
            { pointer: '/startedAt', message: `repeats line ${earlier} (same client, care assistant and start)` },
          ]),
        );
        continue;
      }
      seen.set(key, line);
      const refusal = visitRefusal(client);
      if (refusal) {
        results.push(
          refusedLine(line, withFields(refusal, [{ pointer: '/clientExternalId', message: 'names a client who takes no new visit' }])),
        );
        continue;
      }
      const errors = await visitErrors(rules, record);
      if (errors.length) results.push(refusedLine(line, withFields(new CareVisitRuleViolated(), errors)));
      else valid.push({ line, record, clientId: client.id, key });
    }

    // Under the clients' locks (heldClientsByExternalId), two imports of the same visit do not both create it.
    const stored = new Map<string, StoredVisit>();
    const keys = valid.map(({ record, clientId }) => ({
      clientId,
      careAssistantId: record.careAssistantId,
      startedAt: new Date(record.startedAt),
    }));
    for (const row of await countedVisitsAt(tx, keys)) {
      stored.set(keyOf(row.client_id, row.care_assistant_id, row.started_at.toISOString()), row);
    }

    const inserts: typeof valid = [];
    const corrections: Array<{ line: number; record: BulkCareVisitLine; row: StoredVisit }> = [];
    for (const entry of valid) {
      const row = stored.get(entry.key);
      if (!row) inserts.push(entry);
      else if (matches(row, entry.record)) results.push({ line: entry.line, outcome: 'unchanged', id: row.id });
      else corrections.push({ line: entry.line, record: entry.record, row });
    }
    const ids = inserts.map(() => randomUUID());
    await insertVisits(
      tx,
      inserts.map(({ record, clientId }, index) => ({
        id: ids[index],
        organization_id: organizationId,
        client_id: clientId,
        care_assistant_id: record.careAssistantId,
        started_at: new Date(record.startedAt),
        visited_on: visitDay(rules, record.startedAt),
        duration_minutes: record.durationMinutes,
        services: record.services,
        note: record.note ?? null,
      })),
    );
    inserts.forEach(({ line }, index) => results.push({ line, outcome: 'created', id: ids[index] }));
    for (const { line, record, row } of corrections) results.push(await correct(line, record, row));
    return results;
  }

  /** A changed visit goes through the single-record correction, in a savepoint so a refusal fails only its line. */
  async function correct(line: number, record: BulkCareVisitLine, row: StoredVisit): Promise<LineResult> {
    const { clientExternalId: _client, careAssistantId: _assistant, startedAt: _start, ...fields } = record;
    try {
      const corrected = await inSavepoint(tx.db, () =>
        correctVisit(tx, row.client_id, row.id, { ...fields, reason: IMPORT_CORRECTION_REASON }),
      );
      return { line, outcome: 'updated', id: corrected.id };
    } catch (error) {
      return refusedLine(line, error);
    }
  }

  return { validate: compileDocumentValidator(BulkCareVisitLineSchema), apply };
}
