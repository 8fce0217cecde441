import { defineProblem } from '../http/problems.js';

export const ProgramRuleViolated = defineProblem(
  'program-rule-violated',
  422,
  'Support program breaks a rule',
  'The support program breaks a rule.',
  'The period ends before it starts, a planned activity has not exactly one frequency or is not in the organization’s catalog, or a staff member is not the organization’s; `errors` names each.',
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
