import { today as todayInMoscow } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { CarerRow, RepresentativeRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import type { CourseProgress } from '../school-of-care/schemas.js';
import { trainingOf } from '../school-of-care/service.js';
import { isTrained } from '../school-of-care/training.js';
import { CarerRuleViolated, RepresentativeNotEmpowered, RepresentativeRuleViolated } from './problems.js';
import * as repository from './repository.js';
import type { Carer, CreateCarer, CreateRepresentative, Representative, UpdateCarer, UpdateRepresentative } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

function mapCarer(row: CarerRow, training: CourseProgress[], today: string): Carer {
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    fullName: row.full_name,
    relation: row.relation,
    livesWithClient: row.lives_with_client,
    caresSince: row.cares_since,
    caresUntil: row.cares_until,
    phone: row.phone,
    email: row.email,
    caring: row.cares_until === null || row.cares_until >= today,
    trained: isTrained(training),
    training,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Carers as API objects, with their training read for all of them at once. */
export async function toCarers(ctx: Context, rows: CarerRow[]): Promise<Carer[]> {
  const today = todayInMoscow();
  const training = await trainingOf(
    ctx,
    rows.map((row) => row.id),
    today,
  );
  return rows.map((row) => mapCarer(row, training.get(row.id) ?? [], today));
}

export async function toCarer(ctx: Context, row: CarerRow): Promise<Carer> {
  const [carer] = await toCarers(ctx, [row]);
  if (!carer) throw new Error('toCarers lost a row');
  return carer;
}

function carerErrors(since: string | null, until: string | null): Pointer[] {
  const errors: Pointer[] = [];
  if (since !== null && since > todayInMoscow()) errors.push({ pointer: '/caresSince', message: 'is in the future' });
  if (since !== null && until !== null && until < since) errors.push({ pointer: '/caresUntil', message: 'is before caresSince' });
  return errors;
}

export async function createCarer(tx: UnitOfWork, clientId: string, input: CreateCarer): Promise<CarerRow> {
  const client = await getClient(tx, clientId);
  const errors = carerErrors(input.caresSince ?? null, input.caresUntil ?? null);
  if (errors.length) throw withFields(new CarerRuleViolated(), errors);
  return repository.insertCarer(tx, {
    organization_id: client.organization_id,
    client_id: client.id,
    full_name: input.fullName,
    relation: input.relation,
    lives_with_client: input.livesWithClient,
    phone: input.phone ?? null,
    email: input.email ?? null,
    cares_since: input.caresSince ?? null,
    cares_until: input.caresUntil ?? null,
  });
}

/** A client's carers in creation order, for `paginate`; the client must be the caller's to see. */
export async function carersOf(ctx: Context, clientId: string) {
  const client = await getClient(ctx, clientId);
  return repository.carersQuery(ctx, client.id);
}

export async function getCarer(ctx: Context, clientId: string, id: string): Promise<CarerRow> {
  const row = await repository.findCarer(ctx, clientId, id);
  if (!row) throw new NotFound('Carer', id);
  return row;
}

export async function updateCarer(tx: UnitOfWork, clientId: string, id: string, ifMatch: IfMatch, input: UpdateCarer) {
  const current = await getCarer(tx, clientId, id);
  const errors = carerErrors(
    input.caresSince === undefined ? current.cares_since : input.caresSince,
    input.caresUntil === undefined ? current.cares_until : input.caresUntil,
  );
  if (errors.length) throw withFields(new CarerRuleViolated(), errors);
  const updated = await repository.updateCarer(tx, id, expectedVersion(ifMatch, current), {
    full_name: input.fullName,
    relation: input.relation,
    lives_with_client: input.livesWithClient,
    phone: input.phone,
    email: input.email,
    cares_since: input.caresSince,
    cares_until: input.caresUntil,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Carer', id));
  return updated;
}

/** Whether the representative's document empowers them on `day`: issued by then and not yet expired. */
export const empoweredOn = (row: RepresentativeRow, day: string) =>
  row.document_issued_on <= day && (row.valid_until === null || row.valid_until >= day);

export function toRepresentative(row: RepresentativeRow, today = todayInMoscow()): Representative {
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    fullName: row.full_name,
    document: {
      kind: row.document_kind,
      number: row.document_number,
      issuedOn: row.document_issued_on,
      issuedBy: row.document_issued_by,
      validUntil: row.valid_until,
    },
    phone: row.phone,
    email: row.email,
    empowered: empoweredOn(row, today),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function documentErrors(issuedOn: string, validUntil: string | null): Pointer[] {
  const errors: Pointer[] = [];
  if (issuedOn > todayInMoscow()) errors.push({ pointer: '/document/issuedOn', message: 'is in the future' });
  if (validUntil !== null && validUntil < issuedOn) errors.push({ pointer: '/document/validUntil', message: 'is before issuedOn' });
  return errors;
}

export async function createRepresentative(tx: UnitOfWork, clientId: string, input: CreateRepresentative): Promise<RepresentativeRow> {
  const client = await getClient(tx, clientId);
  const { document } = input;
  const errors = documentErrors(document.issuedOn, document.validUntil ?? null);
  if (errors.length) throw withFields(new RepresentativeRuleViolated(), errors);
  return repository.insertRepresentative(tx, {
    organization_id: client.organization_id,
    client_id: client.id,
    full_name: input.fullName,
    document_kind: document.kind,
    document_number: document.number,
    document_issued_on: document.issuedOn,
    document_issued_by: document.issuedBy,
    valid_until: document.validUntil ?? null,
    phone: input.phone ?? null,
    email: input.email ?? null,
  });
}

export async function representativesOf(ctx: Context, clientId: string) {
  const client = await getClient(ctx, clientId);
  return repository.representativesQuery(ctx, client.id);
}

export async function getRepresentative(ctx: Context, clientId: string, id: string): Promise<RepresentativeRow> {
  const row = await repository.findRepresentative(ctx, clientId, id);
  if (!row) throw new NotFound('Representative', id);
  return row;
}

export async function updateRepresentative(tx: UnitOfWork, clientId: string, id: string, ifMatch: IfMatch, input: UpdateRepresentative) {
  const current = await getRepresentative(tx, clientId, id);
  const document = input.document ?? {};
  const errors = documentErrors(
    document.issuedOn ?? current.document_issued_on,
    document.validUntil === undefined ? current.valid_until : document.validUntil,
  );
  if (errors.length) throw withFields(new RepresentativeRuleViolated(), errors);
  const updated = await repository.updateRepresentative(tx, id, expectedVersion(ifMatch, current), {
    full_name: input.fullName,
    document_kind: document.kind,
    document_number: document.number,
    document_issued_on: document.issuedOn,
    document_issued_by: document.issuedBy,
    valid_until: document.validUntil,
    phone: input.phone,
    email: input.email,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Representative', id));
  return updated;
}

/**
 * The representative who signs a client's consent on `day`: one of this client's, whose document
 * empowered them that day. Anyone else is refused, naming the field.
 */
export async function signingRepresentative(ctx: Context, clientId: string, representativeId: string, day: string) {
  const row = await repository.findRepresentative(ctx, clientId, representativeId);
  if (!row) {
    throw withFields(new RepresentativeNotEmpowered(), [
      { pointer: '/representativeId', message: 'is not a representative of the client' },
    ]);
  }
  if (!empoweredOn(row, day)) {
    const validity = `issued on ${row.document_issued_on}${row.valid_until === null ? '' : `, valid until ${row.valid_until}`}`;
    throw withFields(new RepresentativeNotEmpowered(), [
      { pointer: '/representativeId', message: `was not empowered on ${day}: the document was ${validity}` },
    ]);
  }
  return row;
}
