import { randomUUID } from 'node:crypto';
import { ClientArchived, ClientRuleViolated, SnilsTaken } from '../clients/problems.js';
import * as clientRepository from '../clients/repository.js';
import { clientRuleErrors, clientUpdateColumns, newClientRow } from '../clients/service.js';
import { canonicalSnils } from '../clients/snils.js';
import type { UnitOfWork } from '../context/request-context.js';
import { inSavepoint, uniqueViolation } from '../db/errors.js';
import type { ClientRow, ClientUpdate } from '../db/schema.js';
import { withFields } from '../http/problems.js';
import { compileDocumentValidator } from '../http/validation.js';
import { failedLine, refusedLine, type Importer, type ParsedLine } from './import.js';
import * as repository from './repository.js';
import { BulkClientLineSchema, type BulkClientLine, type LineResult } from './schemas.js';

/** The columns of an update that really change something; empty when the line matches the row. */
function changedColumns(update: ClientUpdate, current: ClientRow): ClientUpdate {
  return Object.fromEntries(
    Object.entries(update).filter(([column, value]) => value !== undefined && value !== current[column as keyof ClientRow]),
  );
}

/**
 * Clients of one organization, matched by externalId: an unknown one is created, a known one
 * updated where the line differs, and an identical line changes nothing, so a file can be sent again.
 */
export async function clientImporter(tx: UnitOfWork, organizationId: string): Promise<Importer<BulkClientLine>> {
  const departments = await repository.departmentsOf(tx, organizationId);
  // Within one file an externalId or a SNILS names one client: a second line for it is a mistake of the sender.
  const seenExternalIds = new Map<string, number>();
  const seenSnils = new Map<string, number>();

  async function apply(batch: Array<ParsedLine<BulkClientLine>>): Promise<LineResult[]> {
    const existing = await repository.clientsByExternalId(
      tx,
      organizationId,
      batch.map(({ record }) => record.externalId),
    );
    const holders = await repository.snilsHolders(
      tx,
      organizationId,
      batch.map(({ record }) => canonicalSnils(record.snils)),
    );
    const results: LineResult[] = [];
    const inserts: Array<{ line: number; row: ReturnType<typeof newClientRow> & { id: string } }> = [];
    const updates: Array<{ line: number; current: ClientRow; changes: ClientUpdate }> = [];

    for (const { line, record } of batch) {
      const snils = canonicalSnils(record.snils);
      const duplicate = seenExternalIds.get(record.externalId) ?? seenSnils.get(snils);
      if (duplicate !== undefined) {
        const pointer = seenExternalIds.has(record.externalId) ? '/externalId' : '/snils';
        results.push(
          failedLine(line, 422, `Line ${duplicate} of this file already names this client.`, [
            { pointer, message: `repeats line ${duplicate}` },
          ]),
        );
        continue;
      }
      seenExternalIds.set(record.externalId, line);
      seenSnils.set(snils, line);

      const current = existing.get(record.externalId);
      const errors = await clientRuleErrors(record, (id) => departments.get(id), current);
      if (errors.length) {
        results.push(refusedLine(line, withFields(new ClientRuleViolated(), errors)));
        continue;
      }
      const holder = holders.get(snils);
      if (holder && holder.id !== current?.id) {
        const taken = new SnilsTaken(holder.id ? ` (${holder.id})` : '');
        results.push(refusedLine(line, withFields(taken, [{ pointer: '/snils', message: 'belongs to another client of the register' }])));
        continue;
      }
      if (!current) {
        inserts.push({ line, row: { ...newClientRow(organizationId, record), id: randomUUID() } });
        continue;
      }
      if (current.archived_at) {
        results.push(refusedLine(line, new ClientArchived(current.id)));
        continue;
      }
      const changes = changedColumns(clientUpdateColumns(record, current), current);
      if (Object.keys(changes).length === 0) results.push({ line, outcome: 'unchanged', id: current.id });
      else updates.push({ line, current, changes });
    }

    const landed = await repository.insertClientsSkippingConflicts(
      tx,
      inserts.map(({ row }) => row),
    );
    for (const { line, row } of inserts) {
      results.push(
        landed.has(row.id)
          ? { line, outcome: 'created', id: row.id }
          : failedLine(line, 409, 'Another request registered this client (externalId or SNILS) meanwhile; send the line again.'),
      );
    }
    for (const { line, current, changes } of updates) results.push(await update(line, current, changes));
    return results;
  }

  /** Updates are rare next to creates: one statement each, in a savepoint so that a race fails only its line. */
  async function update(line: number, current: ClientRow, changes: ClientUpdate): Promise<LineResult> {
    try {
      const updated = await inSavepoint(tx.db, () => clientRepository.updateClient(tx, current.id, current.version, changes));
      if (updated) return { line, outcome: 'updated', id: current.id };
    } catch (error) {
      if (uniqueViolation(error) === undefined) throw error;
    }
    return failedLine(line, 409, `Client ${current.id} changed meanwhile or its SNILS was taken; send the line again.`);
  }

  return { validate: compileDocumentValidator(BulkClientLineSchema), apply };
}
