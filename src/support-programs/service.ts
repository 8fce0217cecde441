import { legacyContext } from '../context/request-context.js';
import { findActivityTypes } from '../activity-types/repository.js';
import { monthRange } from '../calendar/zoned.js';
import { getClient } from '../clients/service.js';
import type { Db } from '../db/database.js';
import { onUniqueViolation } from '../db/errors.js';
import type { ClientRow, Component, PlannedActivity, SupportProgramRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { Conflict, NotFound, Unprocessable, invalidFields } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import { staffOfOrganization } from '../staff/repository.js';
import { getOrganization } from '../organizations/service.js';
import { fulfilment } from './fulfilment.js';
import * as repository from './repository.js';
import type { CreateSupportProgram, SupportProgram, UpdateSupportProgram } from './schemas.js';
import { suitabilityWarnings } from './suitability.js';

type Pointer = Omit<FieldError, 'in'>;

export async function toProgram(db: Db, row: SupportProgramRow, client: ClientRow): Promise<SupportProgram> {
  const types = await findActivityTypes(db, row.activities.map((activity) => activity.activityTypeId));
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
    client: {
      group: client.current_group,
      selfCareReduction: client.current_self_care_reduction as SupportProgram['client']['selfCareReduction'],
    },
    warnings: suitabilityWarnings(row.activities, types, client.current_group),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

interface ProgramFields {
  periodFrom: string;
  periodTo: string;
  activities: PlannedActivity[];
  draftedBy: string[];
}

async function validate(db: Db, organizationId: string, fields: ProgramFields): Promise<void> {
  const errors: Pointer[] = [];
  if (fields.periodTo < fields.periodFrom) errors.push({ pointer: '/periodTo', message: 'is before periodFrom' });
  const types = new Map((await findActivityTypes(db, fields.activities.map((a) => a.activityTypeId))).map((type) => [type.id, type]));
  const staffIds = [...fields.draftedBy, ...fields.activities.flatMap((a) => (a.responsibleStaffId ? [a.responsibleStaffId] : []))];
  const staff = await staffOfOrganization(db, organizationId, staffIds);
  fields.activities.forEach((activity, index) => {
    const at = `/activities/${index}`;
    if ((activity.timesPerWeek === undefined) === (activity.timesPerMonth === undefined)) {
      errors.push({ pointer: at, message: 'needs exactly one of timesPerWeek and timesPerMonth' });
    }
    const type = types.get(activity.activityTypeId);
    if (!type || (type.organization_id !== null && type.organization_id !== organizationId)) {
      errors.push({ pointer: `${at}/activityTypeId`, message: 'is not in the catalog of the organization' });
    } else if (type.retired_at) errors.push({ pointer: `${at}/activityTypeId`, message: 'is retired' });
    if (activity.responsibleStaffId && !staff.has(activity.responsibleStaffId)) {
      errors.push({ pointer: `${at}/responsibleStaffId`, message: 'is not a staff member of the organization' });
    }
  });
  fields.draftedBy.forEach((id, index) => {
    if (!staff.has(id)) errors.push({ pointer: `/draftedBy/${index}`, message: 'is not a staff member of the organization' });
  });
  if (errors.length) throw invalidFields('The support program breaks a rule.', errors);
}

function oneActive<T>(db: Db, clientId: string, write: () => Promise<T>): Promise<T> {
  return onUniqueViolation(db, write, 'support_programs_one_active', () =>
    new Conflict(`Client ${clientId} already has an active support program; complete or cancel it first.`),
  );
}

export async function createProgram(db: Db, clientId: string, input: CreateSupportProgram, scope?: string) {
  const client = await getClient(legacyContext(db, scope), clientId);
  if (client.archived_at || client.status === 'discharged' || client.status === 'deceased') {
    throw new Unprocessable(`Client ${clientId} is ${client.archived_at ? 'archived' : client.status}: no new support program.`);
  }
  await validate(db, client.organization_id, input);
  const row = await oneActive(db, clientId, () =>
    repository.insertProgram(db, {
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
  return { row, client };
}

export async function getProgram(db: Db, clientId: string, id: string, scope?: string) {
  const client = await getClient(legacyContext(db, scope), clientId);
  const row = await repository.findProgram(db, clientId, id);
  if (!row) throw new NotFound('Support program', id);
  return { row, client };
}

/** Allowed status changes: a draft starts or is dropped; an active program ends one way or the other. */
const TRANSITIONS: Record<SupportProgramRow['status'], Array<SupportProgramRow['status']>> = {
  draft: ['draft', 'active', 'cancelled'],
  active: ['active', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export async function updateProgram(db: Db, clientId: string, id: string, ifMatch: IfMatch, input: UpdateSupportProgram, scope?: string) {
  const { row: current, client } = await getProgram(db, clientId, id, scope);
  const status = input.status ?? current.status;
  if (!TRANSITIONS[current.status].includes(status)) {
    throw invalidFields(`A ${current.status} program cannot become ${status}.`, [
      { pointer: '/status', message: `cannot change from ${current.status} to ${status}` },
    ]);
  }
  await validate(db, current.organization_id, {
    periodFrom: input.periodFrom ?? current.period_from,
    periodTo: input.periodTo ?? current.period_to,
    activities: input.activities ?? current.activities,
    draftedBy: input.draftedBy ?? current.drafted_by,
  });
  const version = expectedVersion(ifMatch, current);
  const updated = await oneActive(db, clientId, () =>
    repository.updateProgram(db, id, version, {
      period_from: input.periodFrom,
      period_to: input.periodTo,
      goals: input.goals && JSON.stringify(input.goals as Partial<Record<Component, string>>),
      activities: input.activities && JSON.stringify(input.activities),
      drafted_by: input.draftedBy,
      status: input.status,
    }),
  );
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Support program', id));
  return { row: updated, client };
}

export async function programFulfilment(db: Db, clientId: string, id: string, month: string, scope?: string) {
  const { row } = await getProgram(db, clientId, id, scope);
  const { time_zone } = await getOrganization(db, row.organization_id);
  const { from, to } = monthRange(month, time_zone);
  const attended = await repository.attendedByType(db, clientId, from, to);
  return fulfilment(month, { from: row.period_from, to: row.period_to }, row.activities, attended);
}
