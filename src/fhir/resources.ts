/*
 * FHIR R4 views for medical systems: the forms as Questionnaires (with the points as an
 * ordinalValue extension), assessments as QuestionnaireResponses (score and group as calculated
 * items) and clients as Patients with SNILS as an identifier.
 */
import type { AssessmentRow, ClientRow } from '../db/schema.js';
import type { Instrument } from '../instruments/schemas.js';
import { fromQuarters } from '../instruments/scoring.js';

const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
export const SNILS_SYSTEM = 'urn:oid:1.2.643.100.3';
const CODE_SYSTEM = (instrument: string) => `urn:ltc:instrument:${instrument}`;

export function questionnaire(instrument: Instrument) {
  return {
    resourceType: 'Questionnaire',
    id: instrument.id,
    url: `urn:ltc:questionnaire:${instrument.id}`,
    version: instrument.id,
    name: instrument.id.replace(/[^A-Za-z0-9]/g, '_'),
    title: instrument.title.ru,
    status: 'active',
    description: `${instrument.title.en}. ${instrument.source}`,
    item: [
      ...instrument.items.map((item) => ({
        linkId: item.code,
        prefix: `${item.code}.`,
        text: item.text.ru,
        type: 'choice',
        required: true,
        answerOption: item.options.map((option) => ({
          valueCoding: {
            system: CODE_SYSTEM(instrument.id),
            code: option.code,
            display: option.text.ru,
            extension: [{ url: ORDINAL_VALUE, valueDecimal: option.points }],
          },
        })),
      })),
      { linkId: 'score', text: 'Сумма баллов', type: 'decimal', readOnly: true },
      { linkId: 'group', text: 'Группа функционирования', type: 'integer', readOnly: true },
    ],
  };
}

export function questionnaireResponse(row: AssessmentRow, instrument: Instrument) {
  return {
    resourceType: 'QuestionnaireResponse',
    id: row.id,
    questionnaire: `urn:ltc:questionnaire:${instrument.id}`,
    status: row.status === 'final' ? 'completed' : 'in-progress',
    subject: { reference: `Patient/${row.client_id}` },
    authored: `${row.assessed_on}`,
    item: [
      ...instrument.items.map((item) => {
        const option = item.options.find((candidate) => candidate.code === row.answers[item.code]);
        // A stored assessment's answers were checked against its form: a missing one is a broken record.
        if (!option) throw new Error(`Assessment ${row.id} has no valid answer to item ${item.code}`);
        return {
          linkId: item.code,
          text: item.text.ru,
          answer: [{ valueCoding: { system: CODE_SYSTEM(instrument.id), code: option.code, display: option.text.ru } }],
        };
      }),
      { linkId: 'score', text: 'Сумма баллов', answer: [{ valueDecimal: fromQuarters(row.score_quarters) }] },
      { linkId: 'group', text: 'Группа функционирования', answer: [{ valueInteger: row.dependency_group }] },
    ],
  };
}

export function patient(row: ClientRow) {
  return {
    resourceType: 'Patient',
    id: row.id,
    // Partner systems match people by SNILS: they search with it, so it is theirs already.
    identifier: [{ system: SNILS_SYSTEM, value: row.snils }],
    name: [{ family: row.last_name, given: [row.first_name, ...(row.middle_name ? [row.middle_name] : [])] }],
    gender: row.sex,
    birthDate: row.birth_date,
    managingOrganization: { reference: `Organization/${row.organization_id}` },
  };
}

export function searchBundle(resources: object[]) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

export function capabilityStatement() {
  const read = [{ code: 'read' }];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-24',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'Authorization: Bearer <medical partner API key>. Patient data only under an active agreement and the client’s consent; every access is audited.',
        },
        resource: [
          { type: 'Questionnaire', interaction: read },
          {
            type: 'QuestionnaireResponse',
            interaction: [...read, { code: 'search-type' }],
            searchParam: [{ name: 'subject', type: 'reference' }],
          },
          { type: 'Patient', interaction: read },
        ],
      },
    ],
  };
}

const ISSUE_CODES: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  422: 'processing',
  429: 'throttled',
};

export function operationOutcome(status: number, detail: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: ISSUE_CODES[status] ?? (status >= 500 ? 'exception' : 'processing'), diagnostics: detail }],
  };
}
