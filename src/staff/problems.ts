import { defineProblem } from '../http/problems.js';

export const StaffDepartmentUnknown = defineProblem(
  'staff-department-unknown',
  422,
  'Department of another organization',
  'The department is not one of the organization’s departments.',
  'The department is not one of the staff member’s organization’s departments; `errors` names `/departmentId`.',
);
