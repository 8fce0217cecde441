import { defineProblem } from '../http/problems.js';
import { MAX_LISTED_FAILURES } from './schemas.js';

export const ImportLinesFailed = defineProblem<[number, number]>(
  'import-lines-failed',
  422,
  'Import refused',
  '%s of %s lines failed; with atomic=true nothing was imported.',
  `With atomic=true a line failed, so nothing was imported; \`totals\` counts the lines, \`failures\` lists the first ${MAX_LISTED_FAILURES} failed ones and \`failuresOmitted\` counts the others.`,
);

export const UploadStalled = defineProblem<[number]>(
  'upload-stalled',
  408,
  'Upload stalled',
  'No part of the body arrived for %s seconds; nothing was imported. Send the file again.',
  'The NDJSON body stopped arriving mid-way for longer than the import waits; nothing was imported, the file can be sent again.',
);
