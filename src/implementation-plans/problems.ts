import { defineProblem } from '../http/problems.js';

export const PlanRuleViolated = defineProblem<[string]>(
  'plan-rule-violated',
  422,
  'Plan breaks a rule',
  'The %s breaks a rule.',
  'The department or a task’s responsible staff member is not the organization’s; `errors` names each.',
);
