import { defineProblem } from '../http/problems.js';

/* The conditions of a commission's decision on an assessment's group (issue 17). */

export const DecisionOnDraft = defineProblem<[string]>(
  'decision-on-draft',
  409,
  'Decision on a draft',
  'Assessment %s is a draft: a commission decides on a final assessment; finalize it first.',
  'The assessment is a draft: only a final assessment takes a commission’s decision.',
);
export const DecisionOnSupersededAssessment = defineProblem<[string, string]>(
  'decision-on-superseded-assessment',
  409,
  'Decision on a superseded assessment',
  'Assessment %s was superseded by %s: decide on the correction.',
  'A correction superseded the assessment: its figures count no more, and a decision is taken on the correction.',
);
export const DecisionExists = defineProblem<[string, string]>(
  'decision-exists',
  409,
  'Assessment has a decision',
  'Assessment %s has the commission decision %s: a later decision names it in "supersedes", with a reason.',
  'The assessment already has a current decision (perhaps one taken meanwhile): a later one names it in `supersedes`.',
);
export const DecisionNotCurrent = defineProblem<[string, string]>(
  'decision-not-current',
  409,
  'Decision no longer current',
  'Decision %s is no longer the assessment’s current one (%s is): read GET /v1/assessments/{id}/decisions again.',
  '`supersedes` names a decision that a later one superseded meanwhile; read the decisions again and supersede the current one.',
);
export const DecisionRuleViolated = defineProblem(
  'decision-rule-violated',
  422,
  'Decision breaks a rule',
  'The decision breaks a rule of the commission.',
  'A member of the commission is not a staff member of the client’s organization, the date is before the assessment, after today or before the decision it supersedes, or `supersedes` names no decision of the assessment; `errors` names each field.',
);
