import { randomUUID } from 'node:crypto';
import { today } from '../calendar/dates.js';
import { holdClients, refreshCurrentAssessment } from '../clients/repository.js';
import { getClient } from '../clients/service.js';
import type { UnitOfWork } from '../context/request-context.js';
import type { AssessmentDecisionRow, AssessmentRow } from '../db/schema.js';
import { guardUnique } from '../db/errors.js';
import type { FieldError } from '../http/problem.js';
import { withFields } from '../http/problems.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import type { Instrument, InstrumentGroup } from '../instruments/schemas.js';
import { careHours } from '../instruments/scoring.js';
import { staffOfOrganization } from '../staff/repository.js';
import * as repository from './decisions-repository.js';
import {
  DecisionExists,
  DecisionNotCurrent,
  DecisionOnDraft,
  DecisionOnSupersededAssessment,
  DecisionRuleViolated,
} from './decisions-problems.js';
import type { CreateDecision } from './decisions-schemas.js';
import { getAssessment, notAssessable } from './service.js';

type Pointer = Omit<FieldError, 'in'>;

/** What the rules of a decision read of the decision it would replace. */
type Superseded = Pick<AssessmentDecisionRow, 'id' | 'decided_on'>;

/**
 * Every rule a decision must meet that the schema cannot say, each with its field: the members
 * of the commission are staff of the client's organization, the day is not before the assessment
 * nor after today (nor before the decision it replaces, so that the decision in force on a day is
 * the latest decided by then), and the decided group is a row of the form's table.
 */
export function decisionRules(
  assessment: Pick<AssessmentRow, 'assessed_on'>,
  instrument: Instrument,
  input: CreateDecision,
  staff: Set<string>,
  superseded: Superseded | undefined,
  now: string,
): InstrumentGroup | Pointer[] {
  const errors: Pointer[] = [];
  const group = instrument.groups.find((candidate) => candidate.group === input.decidedGroup);
  if (!group) errors.push({ pointer: '/decidedGroup', message: `is not a group of the form ${instrument.id}` });
  input.decidedBy.forEach((id, index) => {
    if (!staff.has(id)) errors.push({ pointer: `/decidedBy/${index}`, message: 'is not a staff member of the client’s organization' });
  });
  if (input.decidedOn > now) errors.push({ pointer: '/decidedOn', message: 'is in the future' });
  else if (input.decidedOn < assessment.assessed_on) {
    errors.push({ pointer: '/decidedOn', message: `is before the assessment (${assessment.assessed_on})` });
  } else if (superseded && input.decidedOn < superseded.decided_on) {
    errors.push({ pointer: '/decidedOn', message: `is before the decision it supersedes (${superseded.decided_on})` });
  }
  return errors.length || !group ? errors : group;
}

/**
 * The decision `supersedes` names, checked against the assessment's current one: none named
 * while one exists is a 409 (a commission must see the decision it replaces), one superseded
 * meanwhile too; a decision of another assessment is a field of the request that is wrong.
 */
async function supersededDecision(
  tx: UnitOfWork,
  assessment: AssessmentRow,
  current: AssessmentDecisionRow | undefined,
  supersedes: string | undefined,
): Promise<{ superseded?: AssessmentDecisionRow; errors: Pointer[] }> {
  if (supersedes === undefined) {
    if (current) throw new DecisionExists(assessment.id, current.id);
    return { errors: [] };
  }
  if (current?.id === supersedes) return { superseded: current, errors: [] };
  const named = await repository.findDecision(tx, supersedes);
  if (named && named.assessment_id === assessment.id && current) throw new DecisionNotCurrent(supersedes, current.id);
  return { errors: [{ pointer: '/supersedes', message: 'is not a current decision of this assessment' }] };
}

/**
 * Records a commission's decision on a final assessment, superseding its current decision when
 * the request names it, and refreshes the client's figures in the same unit of work. The writes of
 * one client take turns (its row is held), so a second commission reads the first one's decision;
 * the database keeps one current decision an assessment whatever happens.
 */
export async function decide(
  tx: UnitOfWork,
  catalog: InstrumentCatalog,
  assessmentId: string,
  input: CreateDecision,
): Promise<{ decision: AssessmentDecisionRow; assessment: AssessmentRow }> {
  const { client_id: clientId } = await getAssessment(tx, assessmentId);
  await holdClients(tx, [clientId]);
  // Read again once the client is held: a correction may have superseded it meanwhile.
  const assessment = await getAssessment(tx, assessmentId);
  if (assessment.status !== 'final') throw new DecisionOnDraft(assessment.id);
  if (assessment.superseded_by) throw new DecisionOnSupersededAssessment(assessment.id, assessment.superseded_by);
  const client = await getClient(tx, clientId);
  const refusal = notAssessable(client);
  if (refusal) throw refusal;

  const current = (await repository.currentDecisions(tx, [assessment.id])).get(assessment.id);
  const { superseded, errors } = await supersededDecision(tx, assessment, current, input.supersedes);
  const staff = await staffOfOrganization(tx, client.organization_id, input.decidedBy);
  const instrument = await catalog.get(assessment.instrument_id);
  const checked = decisionRules(assessment, instrument, input, staff, superseded, today());
  if (errors.length || Array.isArray(checked))
    throw withFields(new DecisionRuleViolated(), [...errors, ...(Array.isArray(checked) ? checked : [])]);

  // The decided group's row of the same tables the computed group was read from.
  const hours = careHours(checked, assessment.living_situation);
  const id = randomUUID();
  const decision = await guardUnique(
    tx.db,
    async () => {
      // Marked first, as corrections of assessments are: the index keeps one current decision.
      if (superseded && !(await repository.markDecisionSuperseded(tx, superseded.id, id))) {
        throw new DecisionNotCurrent(superseded.id, 'another');
      }
      return repository.insertDecision(tx, {
        id,
        assessment_id: assessment.id,
        client_id: assessment.client_id,
        organization_id: assessment.organization_id,
        decided_group: checked.group,
        self_care_reduction: checked.selfCareReduction,
        hours_optimal: hours.optimal,
        hours_minimal: hours.minimal,
        hours_by_living_situation: hours.byLivingSituation,
        reason: input.reason,
        decided_by: input.decidedBy,
        decided_on: input.decidedOn,
        supersedes: superseded?.id ?? null,
      });
    },
    async (constraint) => {
      if (constraint === 'assessment_decisions_one_current') {
        const holder = (await repository.currentDecisions(tx, [assessment.id])).get(assessment.id);
        return new DecisionExists(assessment.id, holder?.id ?? 'of another request');
      }
      if (constraint === 'assessment_decisions_supersedes_key' && superseded) return new DecisionNotCurrent(superseded.id, 'another');
      return undefined;
    },
  );
  const touched = await repository.touchAssessment(tx, assessment.id);
  await refreshCurrentAssessment(tx, assessment.client_id);
  return { decision, assessment: touched };
}
