/*
 * A commission's decision as the API answers it, and the figures that count for an assessment
 * (issue 17): the current decision's when it has one, its computed ones otherwise.
 */
import type { AssessmentDecisionRow, AssessmentRow } from '../db/schema.js';
import type { Decision, EffectiveFigures } from './decisions-schemas.js';

export function toDecision(row: AssessmentDecisionRow, computedGroup: number): Decision {
  return {
    id: row.id,
    assessmentId: row.assessment_id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    decidedGroup: row.decided_group,
    computedGroup,
    selfCareReduction: row.self_care_reduction,
    hours: { optimal: row.hours_optimal, minimal: row.hours_minimal, byLivingSituation: row.hours_by_living_situation },
    reason: row.reason,
    decidedBy: row.decided_by,
    decidedOn: row.decided_on,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** The figures that count for an assessment: its current decision's, or its own computed ones. */
export function effectiveFigures(assessment: AssessmentRow, decision: AssessmentDecisionRow | undefined): EffectiveFigures {
  const source = decision ?? {
    decided_group: assessment.dependency_group,
    self_care_reduction: assessment.self_care_reduction,
    hours_optimal: assessment.hours_optimal,
    hours_minimal: assessment.hours_minimal,
    hours_by_living_situation: assessment.hours_by_living_situation,
  };
  return {
    group: source.decided_group,
    selfCareReduction: source.self_care_reduction,
    hours: { optimal: source.hours_optimal, minimal: source.hours_minimal, byLivingSituation: source.hours_by_living_situation },
    decided: decision !== undefined,
  };
}
