import { findAssessment } from '../assessments/repository.js';
import type { Assessment } from '../assessments/schemas.js';
import { appendAuditEvent } from '../audit/repository.js';
import { today } from '../calendar/dates.js';
import { signingRepresentative } from '../carers/service.js';
import { findClient, findClientBy } from '../clients/repository.js';
import { getClient } from '../clients/service.js';
import { canonicalSnils, maskSnils } from '../clients/snils.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { AssessmentRow, ClientRow, ConsentRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { OrganizationKind } from '../enums.js';
import type { IfMatch } from '../http/etag.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import { AgreementDatesInvalid, AgreementPartiesInvalid, ConsentDateFuture } from './problems.js';
import * as repository from './repository.js';
import type { CreateAgreement, CreateConsent, PartnerAssessment, UpdateAgreement } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

export const toAgreement = (row: repository.AgreementWithOrganizations) => ({
  id: row.id,
  medicalOrganizationId: row.medical_organization_id,
  organizationIds: row.organization_ids,
  number: row.number,
  signedOn: row.signed_on,
  validFrom: row.valid_from,
  validTo: row.valid_to,
  scope: row.scope,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export const toConsent = (row: ConsentRow) => ({
  id: row.id,
  clientId: row.client_id,
  kind: row.kind,
  status: row.status,
  date: row.given_on,
  document: row.document,
  signedBy: row.representative_id === null ? ('client' as const) : ('representative' as const),
  representativeId: row.representative_id,
  createdAt: row.created_at.toISOString(),
});

/** An agreement is between a medical organization and social-service organizations of this register. */
async function checkParties(ctx: Context, medicalOrganizationId: string | undefined, organizationIds: string[] = []): Promise<void> {
  const named = [...(medicalOrganizationId === undefined ? [] : [medicalOrganizationId]), ...organizationIds];
  const kinds = new Map<string, OrganizationKind>((await repository.organizationKinds(ctx, named)).map((row) => [row.id, row.kind]));
  const errors: Pointer[] = [];
  if (medicalOrganizationId !== undefined && kinds.get(medicalOrganizationId) !== 'medical') {
    errors.push({ pointer: '/medicalOrganizationId', message: 'is not a medical organization of this register' });
  }
  for (const [index, id] of organizationIds.entries()) {
    if (kinds.get(id) !== 'social_service') {
      errors.push({ pointer: `/organizationIds/${index}`, message: 'is not a social-service organization of this register' });
    }
  }
  if (errors.length) throw withFields(new AgreementPartiesInvalid(), errors);
}

function checkDates(from: string, to: string): void {
  if (to < from) throw withFields(new AgreementDatesInvalid(), [{ pointer: '/validTo', message: 'is before validFrom' }]);
}

export async function getAgreement(ctx: Context, id: string): Promise<repository.AgreementWithOrganizations> {
  const row = await repository.findAgreement(ctx, id);
  if (!row) throw new NotFound('Agreement', id);
  return row;
}

export async function createAgreement(tx: UnitOfWork, input: CreateAgreement) {
  await checkParties(tx, input.medicalOrganizationId, input.organizationIds);
  checkDates(input.validFrom, input.validTo);
  const id = await repository.insertAgreement(
    tx,
    {
      medical_organization_id: input.medicalOrganizationId,
      number: input.number,
      signed_on: input.signedOn,
      valid_from: input.validFrom,
      valid_to: input.validTo,
      scope: input.scope,
      status: input.status,
    },
    input.organizationIds,
  );
  return getAgreement(tx, id);
}

export async function updateAgreement(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateAgreement) {
  const current = await getAgreement(tx, id);
  await checkParties(tx, undefined, input.organizationIds);
  checkDates(input.validFrom ?? current.valid_from, input.validTo ?? current.valid_to);
  const updated = await repository.updateAgreement(tx, id, expectedVersion(ifMatch, current), {
    valid_from: input.validFrom,
    valid_to: input.validTo,
    scope: input.scope,
    status: input.status,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Agreement', id));
  if (input.organizationIds) await repository.setCoveredOrganizations(tx, id, input.organizationIds);
  return getAgreement(tx, id);
}

export async function addConsent(tx: UnitOfWork, clientId: string, input: CreateConsent): Promise<ConsentRow> {
  const client = await getClient(tx, clientId);
  if (input.date > today()) throw withFields(new ConsentDateFuture(), [{ pointer: '/date', message: 'is in the future' }]);
  // A representative signs for the client only while the document that empowers them is valid.
  const representative = input.representativeId ? await signingRepresentative(tx, client.id, input.representativeId, input.date) : null;
  return repository.insertConsent(tx, client, {
    client_id: client.id,
    kind: input.kind,
    status: input.status,
    given_on: input.date,
    document: input.document,
    representative_id: representative?.id ?? null,
  });
}

/** A client's consent records, oldest first. */
export async function listConsents(ctx: Context, clientId: string): Promise<ConsentRow[]> {
  const client = await getClient(ctx, clientId);
  return repository.listConsents(ctx, client.id);
}

/** The partner's view of a client: what a care plan needs, nothing more. */
export function toPartnerClient(row: ClientRow) {
  const { current_hours_optimal: optimal, current_hours_minimal: minimal } = row;
  return {
    id: row.id,
    lastName: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    birthDate: row.birth_date,
    sex: row.sex,
    snils: maskSnils(row.snils),
    careForm: row.care_form,
    organizationId: row.organization_id,
    group: row.current_group,
    selfCareReduction: row.current_self_care_reduction,
    // The current assessment's hours, kept on the client row with its other figures.
    hours: optimal === null || minimal === null ? null : { optimal, minimal, byLivingSituation: row.current_hours_by_living_situation },
    nextCheckOn: row.current_next_check_on,
  };
}

/** The partner's view of an assessment: the staff's notes and a correction's reason are free text and stay home. */
export function toPartnerAssessment(assessment: Assessment): PartnerAssessment {
  const { notes: _notes, reason: _reason, decision: _decision, ...shared } = assessment;
  return shared;
}

/** The one answer to every refusal, so that a partner cannot tell an unknown client from a refused one. */
const UNAVAILABLE = () => new NotFound('Client', '(unknown or not shared)');

/**
 * Records a partner's read in the audit trail: allowed when it found `clientId`'s records,
 * denied otherwise; a denied event still names the client asked for, when there is one.
 */
async function audit(
  ctx: Context,
  sourceIp: string,
  resource: 'client' | 'assessment',
  lookup: repository.PartnerLookup,
  clientId: string | undefined,
): Promise<void> {
  const client = clientId ?? (await repository.refusedClientId(ctx, lookup));
  await appendAuditEvent(ctx, {
    credential_id: ctx.credential.id,
    role: ctx.credential.role,
    organization_id: ctx.credential.organizationId,
    action: 'read',
    resource_type: resource,
    resource_id: 'clientId' in lookup ? lookup.clientId : 'assessmentId' in lookup ? lookup.assessmentId : client,
    client_id: client,
    request_id: ctx.requestId,
    outcome: clientId === undefined ? 'denied' : 'allowed',
    source_ip: sourceIp,
  });
}

/**
 * Whether a client the partner's scope found is shared: an archived client has left the register's
 * care, so a partner reads it no more, whatever its agreement and consent say.
 */
const shared = (client: ClientRow | undefined) => (client && !client.archived_at ? client : undefined);

/**
 * A client the partner may read, for a read of its `resource`. A medical partner's scope reads
 * only what an agreement and the client's consent share, of clients not archived: found is
 * allowed, not found is the one 404. Audited either way.
 */
export async function partnerClient(
  ctx: Context,
  sourceIp: string,
  lookup: { clientId: string } | { snils: string },
  resource: 'client' | 'assessment',
): Promise<ClientRow> {
  const named = 'clientId' in lookup ? lookup : { snils: canonicalSnils(lookup.snils) };
  const client = shared(
    'clientId' in named
      ? await findClient(ctx, named.clientId)
      : await findClientBy(ctx, named).then((hit) => (hit ? findClient(ctx, hit.id) : undefined)),
  );
  await audit(ctx, sourceIp, resource, named, client?.id);
  if (!client) throw UNAVAILABLE();
  return client;
}

/** A final assessment no correction superseded that the partner may read, found and audited as `partnerClient`. */
export async function partnerAssessment(ctx: Context, sourceIp: string, id: string): Promise<AssessmentRow> {
  const found = await findAssessment(ctx, id);
  const current = found?.status === 'final' && !found.superseded_by ? found : undefined;
  const assessment = current && shared(await findClient(ctx, current.client_id)) ? current : undefined;
  await audit(ctx, sourceIp, 'assessment', { assessmentId: id }, assessment?.client_id);
  if (!assessment) throw UNAVAILABLE();
  return assessment;
}
