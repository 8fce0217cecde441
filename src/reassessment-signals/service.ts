import { today } from '../calendar/dates.js';
import { holdClients, refreshCurrentAssessment } from '../clients/repository.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import { onUniqueViolation } from '../db/errors.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, invalidParameter, withFields } from '../http/problems.js';
import { staffOfOrganization } from '../staff/repository.js';
import { SignalAlreadyResolved, SignalResolutionInvalid } from './problems.js';
import * as repository from './repository.js';
import type { SignalRow, SignalThresholds } from './repository.js';
import type { ReassessmentSignal, ResolveSignal, SignalListFilter } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

export function toSignal(row: SignalRow): ReassessmentSignal {
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    kind: row.kind,
    date: row.date,
    measure: row.measure,
    before: row.before,
    after: row.after,
    threshold: row.threshold,
    ...(row.records ? { records: row.records } : {}),
    basis: row.basis,
    status: row.outcome === null ? 'open' : 'resolved',
    resolution:
      row.outcome === null || row.resolved_by === null || row.resolved_on === null || row.resolved_at === null
        ? null
        : {
            outcome: row.outcome,
            scheduledOn: row.scheduled_on,
            reason: row.reason,
            resolvedBy: row.resolved_by,
            resolvedOn: row.resolved_on,
            resolvedAt: row.resolved_at.toISOString(),
          },
  };
}

/*
 * The list's cursor names the last signal's place in (date, id) order, not a row to look up: a
 * derived signal has no row, and the one a cursor names may have been resolved meanwhile.
 */
const CURSOR = /^(\d{4}-\d{2}-\d{2})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeSignalCursor(signal: { date: string; id: string }): string {
  return Buffer.from(`${signal.date}/${signal.id}`, 'utf8').toString('base64url');
}

function decodeSignalCursor(cursor: string | undefined): { date: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [, date, id] = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) ?? [];
  if (date === undefined || id === undefined || encodeSignalCursor({ date, id }) !== cursor) {
    throw invalidParameter('querystring', '/cursor', 'is not a cursor this service issued');
  }
  return { date, id };
}

/** One page of signals and whether another follows (the route builds its `next` link). */
export async function listSignals(
  ctx: Context,
  thresholds: SignalThresholds,
  filter: SignalListFilter,
  page: { limit: number; cursor?: string },
): Promise<{ rows: SignalRow[]; last?: SignalRow }> {
  const rows = await repository.selectSignals(ctx, thresholds, {
    status: filter.status ?? 'open',
    kind: filter.kind,
    organizationId: filter.organizationId,
    clientId: filter.clientId,
    after: decodeSignalCursor(page.cursor),
    limit: page.limit + 1,
  });
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  return { rows: pageRows, last: hasMore ? pageRows.at(-1) : undefined };
}

/** A signal in the caller's scope, open or resolved, or a 404. */
export async function getSignal(ctx: Context, thresholds: SignalThresholds, id: string): Promise<SignalRow> {
  const [row] = await repository.selectSignals(ctx, thresholds, { status: 'all', id });
  if (!row) throw new NotFound('Reassessment signal', id);
  return row;
}

/**
 * Resolves an open signal: schedules a reassessment, which becomes the client's next check unless
 * the check already due is earlier (a signal brings a check forward, never postpones the order's
 * periodic one), or dismisses it with a reason. The signal's id is the resolutions' primary key, so of two resolutions
 * at once one is stored and the other answered 409, on any instance.
 */
export async function resolveSignal(tx: UnitOfWork, thresholds: SignalThresholds, id: string, input: ResolveSignal): Promise<SignalRow> {
  const signal = await getSignal(tx, thresholds, id);
  if (signal.outcome !== null) throw new SignalAlreadyResolved(id);
  // Resolutions of one client's signals take turns, as its assessment writers do (the next check they refresh).
  await holdClients(tx, [signal.client_id]);
  const client = await getClient(tx, signal.client_id);
  const day = today();
  const errors: Pointer[] = [];
  const scheduling = input.scheduledOn !== undefined;
  if (scheduling && input.dismissed) errors.push({ pointer: '/dismissed', message: 'cannot go with scheduledOn' });
  if (!scheduling && !input.dismissed) errors.push({ pointer: '/scheduledOn', message: 'is required unless dismissed' });
  if (input.dismissed && input.reason === undefined) errors.push({ pointer: '/reason', message: 'is required when dismissed' });
  if (input.scheduledOn !== undefined) {
    if (input.scheduledOn < day) errors.push({ pointer: '/scheduledOn', message: `is before today (${day})` });
  }
  if (!(await staffOfOrganization(tx, client.organization_id, [input.staffId])).has(input.staffId)) {
    errors.push({ pointer: '/staffId', message: 'is not a staff member of the client’s organization' });
  }
  if (errors.length) throw withFields(new SignalResolutionInvalid(), errors);

  const row = await onUniqueViolation(
    tx.db,
    () =>
      repository.insertResolution(tx, {
        signal_id: signal.id,
        client_id: signal.client_id,
        organization_id: signal.organization_id,
        kind: signal.kind,
        signal_date: signal.date,
        signal: JSON.stringify({
          measure: signal.measure,
          before: signal.before,
          after: signal.after,
          threshold: signal.threshold,
          ...(signal.records ? { records: signal.records } : {}),
          basis: signal.basis,
        }),
        outcome: scheduling ? 'scheduled' : 'dismissed',
        scheduled_on: input.scheduledOn ?? null,
        reason: input.reason ?? null,
        resolved_by: input.staffId,
        resolved_on: day,
      }),
    'reassessment_signal_resolutions_pkey',
    () => new SignalAlreadyResolved(id),
  );
  if (scheduling) {
    await refreshCurrentAssessment(tx, client.id);
    await repository.touchClient(tx, client.id);
  }
  return {
    ...signal,
    outcome: row.outcome,
    scheduled_on: row.scheduled_on,
    reason: row.reason,
    resolved_by: row.resolved_by,
    resolved_on: row.resolved_on,
    resolved_at: row.created_at,
  };
}
