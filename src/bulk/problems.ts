import { defineProblem } from '../http/problems.js';

export const ImportLinesFailed = defineProblem<[number, number]>(
  'import-lines-failed',
  422,
  'Import refused',
  '%s of %s lines failed; with atomic=true nothing was imported.',
  'With atomic=true a line failed, so nothing was imported; `totals` counts the lines and `failures` lists the failed ones.',
);
