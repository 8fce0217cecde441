import { defineProblem } from '../http/problems.js';

export const ReportApproved = defineProblem<[string]>(
  'report-approved',
  409,
  'Report approved',
  'Monitoring report %s is already approved.',
  'The monthly report is approved: it was sent and never changes again.',
);
export const MonitoringRuleViolated = defineProblem<[string]>(
  'monitoring-rule-violated',
  422,
  'Monitoring record breaks a rule',
  'The %s breaks a rule.',
  'A questionnaire, observation or report breaks a rule a schema cannot express (a day or month in the future, ' +
    'a staff member or department not of the organization, an unknown template); `errors` names each field.',
);
