import { ActivityTypeRetired } from '../activity-types/problems.js';
import { findActivityTypes } from '../activity-types/repository.js';
import { monthRange } from '../calendar/zoned.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import { onUniqueViolation } from '../db/errors.js';
import type { ActivityTypeRow, ClientRow, PlannedActivity, SupportProgramRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, withFields } from '../http/problems.js';
import type { FieldError } from '../http/problem.js';
import { getOrganization } from '../organizations/service.js';
import { staffOfOrganization } from '../staff/repository.js';
import { fulfilment } from './fulfilment.js';
import { ClientNotServed, ProgramAlreadyActive, ProgramRuleViolated, ProgramTransitionForbidden } from './problems.js';
import * as repository from './repository.js';
import type { CreateSupportProgram, SupportProgram, UpdateSupportProgram } from './schemas.js';
import { suitabilityWarnings } from './suitability.js';

type Pointer = Omit<FieldError, 'in'>;

/** A program with the client it was read or written for: its answer shows the client's current state. */
export type ProgramOfClient = SupportProgramRow & { client: ClientRow };

function mapProgram({ client, ...row }: ProgramOfClient, types: ActivityTypeRow[]): SupportProgram {
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    goals: row.goals,
    activities: row.activities,
    draftedBy: row.drafted_by,
    status: row.status,
    client: { group: client.current_group, selfCareReduction: client.current_self_care_reduction },
    warnings: suitabilityWarnings(row.activities, types, client.current_group),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const plannedTypes = (programs: SupportProgramRow[]) => [
  ...new Set(programs.flatMap((row) => row.activities.map((activity) => activity.activityTypeId))),
];

export async function toProgram(ctx: Context, program: ProgramOfClient): Promise<SupportProgram> {
  return mapProgram(program, await findActivityTypes(ctx, plannedTypes([program])));
}

/** A page of one client's programs, with the activity types they plan read in one query. */
export async function toPrograms(ctx: Context, rows: SupportProgramRow[], client: ClientRow): Promise<SupportProgram[]> {
  const types = await findActivityTypes(ctx, plannedTypes(rows));
  return rows.map((row) => mapProgram({ ...row, client }, types));
}

interface ProgramFields {
  periodFrom: string;
  periodTo: string;
  activities: PlannedActivity[];
  draftedBy: string[];
}

async function validate(ctx: Context, organizationId: string, fields: ProgramFields): Promise<void> {
  const errors: Pointer[] = [];
  const retired: Pointer[] = [];
  if (fields.periodTo < fields.periodFrom) errors.push({ pointer: '/periodTo', message: 'is before periodFrom' });
  const types = new Map(
    (
      await findActivityTypes(
        ctx,
        fields.activities.map((a) => a.activityTypeId),
      )
    ).map((type) => [type.id, type]),
  );
  const staffIds = [...fields.draftedBy, ...fields.activities.flatMap((a) => (a.responsibleStaffId ? [a.responsibleStaffId] : []))];
  const staff = await staffOfOrganization(ctx, organizationId, staffIds);
  fields.activities.forEach((activity, index) => {
    const at = `/activities/${index}`;
    if ((activity.timesPerWeek === undefined) === (activity.timesPerMonth === undefined)) {
      errors.push({ pointer: at, message: 'needs exactly one of timesPerWeek and timesPerMonth' });
    }
    // The caller may see more of the catalog than the client's organization has: the shared entries and that organization's own.
    const type = types.get(activity.activityTypeId);
    if (!type || (type.organization_id !== null && type.organization_id !== organizationId)) {
      errors.push({ pointer: `${at}/activityTypeId`, message: 'is not in the catalog of the organization' });
    } else if (type.retired_at) retired.push({ pointer: `${at}/activityTypeId`, message: 'is retired' });
    if (activity.responsibleStaffId && !staff.has(activity.responsibleStaffId)) {
      errors.push({ pointer: `${at}/responsibleStaffId`, message: 'is not a staff member of the organization' });
    }
  });
  fields.draftedBy.forEach((id, index) => {
    if (!staff.has(id)) errors.push({ pointer: `/draftedBy/${index}`, message: 'is not a staff member of the organization' });
  });
  if (errors.length) throw withFields(new ProgramRuleViolated(), errors);
  if (retired.length) {
    const ids = [...new Set(fields.activities.map((activity) => activity.activityTypeId).filter((id) => types.get(id)?.retired_at))];
    throw withFields(new ActivityTypeRetired(ids.join(', ')), retired);
  }
}

function oneActive<T>(tx: UnitOfWork, clientId: string, write: () => Promise<T>): Promise<T> {
  return onUniqueViolation(tx.db, write, 'support_programs_one_active', () => new ProgramAlreadyActive(clientId));
}

export async function createProgram(tx: UnitOfWork, clientId: string, input: CreateSupportProgram): Promise<ProgramOfClient> {
  const client = await getClient(tx, clientId);
  if (client.archived_at || client.status === 'discharged' || client.status === 'deceased') {
    throw new ClientNotServed(clientId, client.archived_at ? 'archived' : client.status);
  }
  await validate(tx, client.organization_id, input);
  const row = await oneActive(tx, clientId, () =>
    repository.insertProgram(tx, {
      client_id: client.id,
      organization_id: client.organization_id,
      period_from: input.periodFrom,
      period_to: input.periodTo,
      goals: JSON.stringify(input.goals),
      activities: JSON.stringify(input.activities),
      drafted_by: input.draftedBy,
      status: input.status ?? 'draft',
    }),
  );
  return { ...row, client };
}

export async function getProgram(ctx: Context, clientId: string, id: string): Promise<ProgramOfClient> {
  const client = await getClient(ctx, clientId);
  const row = await repository.findProgram(ctx, clientId, id);
  if (!row) throw new NotFound('Support program', id);
  return { ...row, client };
}

/** Allowed status changes: a draft starts or is dropped; an active program ends one way or the other. */
const TRANSITIONS: Record<SupportProgramRow['status'], Array<SupportProgramRow['status']>> = {
  draft: ['draft', 'active', 'cancelled'],
  active: ['active', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export async function updateProgram(
  tx: UnitOfWork,
  clientId: string,
  id: string,
  ifMatch: IfMatch,
  input: UpdateSupportProgram,
): Promise<ProgramOfClient> {
  const { client, ...current } = await getProgram(tx, clientId, id);
  const status = input.status ?? current.status;
  if (!TRANSITIONS[current.status].includes(status)) {
    throw withFields(new ProgramTransitionForbidden(current.status, status), [
      { pointer: '/status', message: `cannot change from ${current.status} to ${status}` },
    ]);
  }
  await validate(tx, current.organization_id, {
    periodFrom: input.periodFrom ?? current.period_from,
    periodTo: input.periodTo ?? current.period_to,
    activities: input.activities ?? current.activities,
    draftedBy: input.draftedBy ?? current.drafted_by,
  });
  const version = expectedVersion(ifMatch, current);
  const updated = await oneActive(tx, clientId, () =>
    repository.updateProgram(tx, id, version, {
      period_from: input.periodFrom,
      period_to: input.periodTo,
      goals: input.goals && JSON.stringify(input.goals),
      activities: input.activities && JSON.stringify(input.activities),
      drafted_by: input.draftedBy,
      status: input.status,
    }),
  );
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Support program', id));
  return { ...updated, client };
}

/** A client's programs, for `paginate`; a client the caller does not see is a 404. */
export async function listPrograms(ctx: Context, clientId: string, filter: { status?: SupportProgramRow['status'] }) {
  const client = await getClient(ctx, clientId);
  return { client, query: repository.programsQuery(ctx, client.id, filter) };
}

export async function programFulfilment(ctx: Context, clientId: string, id: string, month: string) {
  const program = await getProgram(ctx, clientId, id);
  const { time_zone } = await getOrganization(ctx, program.organization_id);
  const { from, to } = monthRange(month, time_zone);
  const attended = await repository.attendedByType(ctx, clientId, from, to);
  return fulfilment(month, { from: program.period_from, to: program.period_to }, program.activities, attended);
}
