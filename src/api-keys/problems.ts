import { defineProblem } from '../http/problems.js';

export const ApiKeyOrganizationRequired = defineProblem<[string]>(
  'api-key-organization-required',
  422,
  'Organization required',
  'A %s key belongs to an organization.',
  'A provider or medical_partner key names its organization; `errors` names `/organizationId`.',
);
export const ApiKeyOrganizationNotAllowed = defineProblem<[string]>(
  'api-key-organization-not-allowed',
  422,
  'No organization allowed',
  'A %s key is not tied to an organization.',
  'An admin or regional key sees every organization and names none; `errors` names `/organizationId`.',
);
export const ApiKeyOrganizationKind = defineProblem<[string, string]>(
  'api-key-organization-kind',
  422,
  'Organization of another kind',
  'A %s key belongs to a registered %s organization.',
  'A provider key belongs to a registered social-service organization, a medical_partner key to a medical one; `errors` names `/organizationId`.',
);
