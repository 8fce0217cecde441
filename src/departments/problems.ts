import { defineProblem } from '../http/problems.js';

export const DepartmentNameTaken = defineProblem<[string]>(
  'department-name-taken',
  409,
  'Department name taken',
  'The organization already has a department named "%s".',
  'The organization already has a department of this name (compared without surrounding or repeated spaces).',
);
