import { legacyContext } from '../context/request-context.js';
import type { Assessment } from '../assessments/schemas.js';
import { recordAuditEvent } from '../audit/repository.js';
import { today } from '../calendar/dates.js';
import { findClient, findClientBy } from '../clients/repository.js';
import { canonicalSnils, maskSnils } from '../clients/snils.js';
import type { Db } from '../db/database.js';
import type { ClientRow, ConsentRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, invalidFields } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import { findOrganization } from '../organizations/repository.js';
import { getClient } from '../clients/service.js';
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
  scope: row.scope as Array<'assessments' | 'support_programs' | 'monitoring'>,
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
  createdAt: row.created_at.toISOString(),
});

async function checkParties(db: Db, medicalOrganizationId: string | undefined, organizationIds: string[] | undefined): Promise<void> {
  const errors: Pointer[] = [];
  if (medicalOrganizationId && (await findOrganization(db, medicalOrganizationId))?.kind !== 'medical') {
    errors.push({ pointer: '/medicalOrganizationId', message: 'is not a medical organization of this register' });
  }
  for (const [index, id] of (organizationIds ?? []).entries()) {
    if ((await findOrganization(db, id))?.kind !== 'social_service') {
      errors.push({ pointer: `/organizationIds/${index}`, message: 'is not a social-service organization of this register' });
    }
  }
  if (errors.length) throw invalidFields('The agreement names the wrong parties.', errors);
}

function checkDates(from: string, to: string): void {
  if (to < from) throw invalidFields('The agreement ends before it starts.', [{ pointer: '/validTo', message: 'is before validFrom' }]);
}

export async function createAgreement(db: Db, input: CreateAgreement) {
  await checkParties(db, input.medicalOrganizationId, input.organizationIds);
  checkDates(input.validFrom, input.validTo);
  const id = await repository.insertAgreement(
    db,
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
  return (await repository.findAgreement(db, id))!;
}

export async function getAgreement(db: Db, id: string) {
  const row = await repository.findAgreement(db, id);
  if (!row) throw new NotFound('Agreement', id);
  return row;
}

export async function updateAgreement(db: Db, id: string, ifMatch: IfMatch, input: UpdateAgreement) {
  const current = await getAgreement(db, id);
  await checkParties(db, undefined, input.organizationIds);
  checkDates(input.validFrom ?? current.valid_from, input.validTo ?? current.valid_to);
  const updated = await repository.updateAgreement(db, id, expectedVersion(ifMatch, current), {
    valid_from: input.validFrom,
    valid_to: input.validTo,
    scope: input.scope,
    status: input.status,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Agreement', id));
  if (input.organizationIds) await repository.setCoveredOrganizations(db, id, input.organizationIds);
  return (await repository.findAgreement(db, id))!;
}

export async function addConsent(db: Db, clientId: string, input: CreateConsent, scope?: string) {
  const client = await getClient(legacyContext(db, scope), clientId);
  if (input.date > today()) throw invalidFields('A consent cannot be dated in the future.', [{ pointer: '/date', message: 'is in the future' }]);
  return repository.insertConsent(db, { client_id: client.id, kind: input.kind, status: input.status, given_on: input.date, document: input.document });
}

/** The partner's view of a client: what a care plan needs, nothing more. */
export function toPartnerClient(row: ClientRow, hours: { optimal: number; minimal: number; byLivingSituation: number | null } | null) {
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
    selfCareReduction: row.current_self_care_reduction as never,
    hours,
    nextCheckOn: row.current_next_check_on,
  };
}

/** The partner's view of an assessment: the staff's notes and a correction's reason are free text and stay home. */
export function toPartnerAssessment(assessment: Assessment): PartnerAssessment {
  const { notes: _notes, reason: _reason, ...shared } = assessment;
  return shared;
}

export interface PartnerRequest {
  db: Db;
  credentialId: string | null;
  medicalOrganizationId: string;
  requestId: string;
  sourceIp: string;
}

/** The one answer to every refusal, so that a partner cannot tell an unknown client from a refused one. */
const UNAVAILABLE = () => new NotFound('Client', '(unknown or not shared)');

/**
 * Finds a client a partner may read under an agreement and consent, and records the attempt,
 * allowed or denied, in the audit trail.
 */
export async function partnerClient(context: PartnerRequest, lookup: { id: string } | { snils: string }, resource: string) {
  const { db } = context;
  const found =
    'id' in lookup
      ? await findClient(legacyContext(db), lookup.id)
      : await findClientBy(legacyContext(db), { snils: canonicalSnils(lookup.snils) }).then((hit) => (hit ? findClient(legacyContext(db), hit.id) : undefined));
  return authorizePartner(context, found, resource, 'id' in lookup ? lookup.id : null);
}

/** Lets the partner see `client` if it may (else the one 404), and audits the decision either way. */
export async function authorizePartner(
  context: PartnerRequest,
  client: ClientRow | undefined,
  resource: string,
  requestedId: string | null,
): Promise<ClientRow> {
  const scopes = client ? await repository.partnerScopes(context.db, context.medicalOrganizationId, client.id, today()) : [];
  const allowed = scopes.includes('assessments');
  await recordAuditEvent(context.db, {
    credential_id: context.credentialId,
    role: 'medical_partner',
    organization_id: context.medicalOrganizationId,
    action: 'read',
    resource_type: resource,
    resource_id: requestedId ?? client?.id ?? null,
    client_id: client?.id ?? null,
    request_id: context.requestId,
    outcome: allowed ? 'allowed' : 'denied',
    source_ip: context.sourceIp,
  });
  if (!client || !allowed) throw UNAVAILABLE();
  return client;
}
