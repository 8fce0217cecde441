import { defineProblem } from '../http/problems.js';

/*
 * Why an import job ends `failed` (its `error`). A failed line is not one of them: it is counted
 * and listed, and the job goes on, as a synchronous import does.
 */

export const ImportJobCredentialRevoked = defineProblem<[string]>(
  'import-job-credential-revoked',
  403,
  'Import job’s key revoked',
  'The API key %s that submitted the job was revoked; the lines after the last committed chunk were not imported.',
  'The job runs with the scope of the key that submitted it; that key was revoked before the job ended, so the job stopped. The chunks committed before stay imported; send the rest of the file with a valid key.',
);

export const ImportJobAbandoned = defineProblem<[number, string]>(
  'import-job-abandoned',
  500,
  'Import job abandoned',
  'The import failed %s times in a row after the last committed chunk (%s); the lines after it were not imported.',
  'Every attempt at the job’s next chunk failed on a fault of the service, not of a line; the chunks committed before stay imported. The service’s log names the fault under the job’s request id.',
);
