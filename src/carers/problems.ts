import { defineProblem } from '../http/problems.js';

export const CarerRuleViolated = defineProblem(
  'carer-rule-violated',
  422,
  'Carer breaks a rule',
  'The carer breaks a rule.',
  'The carer’s `caresUntil` is before `caresSince`, or `caresSince` is in the future; `errors` names each field.',
);
export const RepresentativeRuleViolated = defineProblem(
  'representative-rule-violated',
  422,
  'Representative’s document breaks a rule',
  'The representative’s document breaks a rule.',
  'The empowering document is issued in the future, or its `validUntil` is before its `issuedOn`; `errors` names each field.',
);
export const RepresentativeNotEmpowered = defineProblem(
  'representative-not-empowered',
  422,
  'Representative not empowered',
  'The consent names a representative who could not sign it.',
  'The `representativeId` of a consent is not a representative of this client, or the document that empowers them was not valid on the consent’s date.',
);
