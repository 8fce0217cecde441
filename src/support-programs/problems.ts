import { defineProblem } from '../http/problems.js';

export const ProgramRuleViolated = defineProblem(
  'program-rule-violated',
  422,
  'Support program breaks a rule',
  'The support program breaks a rule.',
  'The period ends before it starts, a planned activity has not exactly one frequency or is not in the organization’s catalog, a staff member is not the organization’s, or a goal is due before the program starts, names no goal of the program, or has reviews and was left out; `errors` names each.',
);
export const ClientNotServed = defineProblem<[string, string]>(
  'client-not-served',
  422,
  'Client no longer served',
  'Client %s is %s: no new support program.',
  'The client is archived, discharged or deceased: it takes no new support program.',
);
export const ProgramAlreadyActive = defineProblem<[string]>(
  'program-already-active',
  409,
  'Support program already active',
  'Client %s already has an active support program; complete or cancel it first.',
  'A client has one active support program at a time; complete or cancel it first.',
);
export const ProgramTransitionForbidden = defineProblem<[string, string]>(
  'program-transition-forbidden',
  422,
  'Status change not allowed',
  'A %s program cannot become %s.',
  'A draft becomes active or cancelled, an active program completed or cancelled; a completed or cancelled one stays so. `errors` names `/status`.',
);
export const ProgramNotReviewable = defineProblem<[string]>(
  'program-not-reviewable',
  422,
  'Program not under way',
  'A %s program’s goals take no review.',
  'The goals of an active or completed program are reviewed; a draft has not started and a cancelled program is closed.',
);
export const GoalReviewRuleViolated = defineProblem(
  'goal-review-rule-violated',
  422,
  'Goal review breaks a rule',
  'The goal review breaks a rule.',
  'The review day is in the future, before the program starts or before the goal’s last review, the staff member is not the organization’s, or a new `targetDate` comes with an outcome or not after the review day; `errors` names each.',
);
export const NoAssessmentToSuggestFrom = defineProblem<[string]>(
  'no-assessment-to-suggest-from',
  422,
  'No assessment to suggest from',
  'Client %s has no final assessment: a program is suggested from the latest one.',
  'The client has no final, current assessment: a suggested program starts from its deficits. Record and finalize one first.',
);
export const InstrumentNotMapped = defineProblem<[string, string]>(
  'instrument-not-mapped',
  422,
  'Form not in the suggestion mapping',
  'The suggestion mapping %s does not cover the form %s.',
  'The current version of the suggestion mapping has no rules for the form of the client’s latest assessment.',
);
