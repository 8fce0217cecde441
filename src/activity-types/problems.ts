import { defineProblem } from '../http/problems.js';

export const SharedCatalogReadOnly = defineProblem(
  'shared-catalog-read-only',
  403,
  'Shared catalog read-only',
  'The shared catalog is maintained by administrators; add an activity type of your own instead.',
  'An entry of the shared catalog changes only with an administrator’s key; an organization changes its own entries.',
);
export const ActivityTypeRetired = defineProblem<[string]>(
  'activity-type-retired',
  422,
  'Activity type retired',
  'Activity type %s is retired: it is planned no more.',
  'A retired activity type stays on past sessions and programs but takes no new one; `errors` names where it was sent.',
);
