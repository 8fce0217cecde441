import { defineProblem } from '../http/problems.js';

export const ClientTakesNoVisits = defineProblem<[string, string]>(
  'client-takes-no-visits',
  422,
  'Client takes no home-care visits',
  'Client %s takes no new home-care visit: %s.',
  'Only an active, not archived client served at home (care form `home`) takes new visits. A visit of a client who has ' +
    'since been discharged, suspended or has died can still be corrected.',
);
export const CareVisitRuleViolated = defineProblem(
  'care-visit-rule-violated',
  422,
  'Care visit breaks a rule',
  'The care visit breaks a rule.',
  'The `careAssistantId` is not a staff member of the client’s organization, `startedAt` is in the future, or a code of ' +
    '`services` is not in the catalog (GET /v1/care-services); `errors` names each field.',
);
export const CareVisitAlreadyCorrected = defineProblem<[string, string]>(
  'care-visit-already-corrected',
  409,
  'Care visit already corrected',
  'Care visit %s was already corrected by %s; correct that one instead.',
  'A visit is corrected once: the correction, not the visit it corrects, is the one to correct next. Two corrections of ' +
    'one visit at the same time: one is kept, the other gets this answer.',
);
