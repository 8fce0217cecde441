import { defineProblem } from '../http/problems.js';

/* The conditions of a monthly submission of the long-term care report to the region (issue 18). */

export const SubmissionExists = defineProblem<[string, string]>(
  'submission-exists',
  409,
  'Month already submitted',
  'Month %s has the submission %s: a correction names it in "supersedes", with a reason.',
  'The month already has a current submission (perhaps one made meanwhile): a correction names it in `supersedes`.',
);
export const SubmissionNotCurrent = defineProblem<[string, string]>(
  'submission-not-current',
  409,
  'Submission no longer current',
  'Submission %s is no longer the month’s current one (%s is): read GET /v1/reports/long-term-care/submissions?month= again.',
  '`supersedes` names a submission that a correction superseded meanwhile; read the month’s submissions again and correct the current one.',
);
export const SubmissionRuleViolated = defineProblem(
  'submission-rule-violated',
  422,
  'Submission breaks a rule',
  'The submission breaks a rule.',
  'The month is in the future, `supersedes` names no submission of the month, or `reason` is missing with `supersedes` (or given without it); `errors` names each field.',
);
