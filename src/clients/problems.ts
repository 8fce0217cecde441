import { defineProblem } from '../http/problems.js';

export const SnilsTaken = defineProblem<[string]>(
  'snils-taken',
  409,
  'SNILS already registered',
  'A client with this SNILS is already registered%s.',
  'A client with this SNILS is already registered; `existingId` names it when the caller may see it.',
);
export const ExternalIdTaken = defineProblem<[string, string]>(
  'external-id-taken',
  409,
  'External id already used',
  'A client with external id %s is already registered%s.',
  'The organization already has a client with this external id; `existingId` names it.',
);
export const ClientArchived = defineProblem<[string]>(
  'client-archived',
  422,
  'Client archived',
  'Client %s is archived and can no longer change.',
  'The client is archived: it keeps its history but changes no more.',
);
export const ClientRuleViolated = defineProblem(
  'client-rule-violated',
  422,
  'Client breaks a rule of the register',
  'The client breaks a rule of the register.',
  'A field breaks a rule of the register a schema cannot express (SNILS check number, birth date, the department’s care form); `errors` names each.',
);
