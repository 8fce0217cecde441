import { defineProblem } from '../http/problems.js';

export const DepartmentNameTaken = defineProblem<[string]>(
  'department-name-taken',
  409,
  'Department name taken',
  'The organization already has a department named "%s".',
  'The organization already has a department of this name (compared without surrounding or repeated spaces).',
);
export const DepartmentsOnlyInSocialService = defineProblem(
  'departments-only-in-social-service',
  422,
  'Not a social-service organization',
  'Only social-service organizations have care departments.',
);
