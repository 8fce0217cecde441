import { defineProblem } from '../http/problems.js';

export const SignalAlreadyResolved = defineProblem<[string]>(
  'signal-already-resolved',
  409,
  'Signal already resolved',
  'Reassessment signal %s is already resolved.',
  'The signal was resolved before (a reassessment scheduled or the signal dismissed); a signal is resolved once.',
);
export const SignalResolutionInvalid = defineProblem(
  'signal-resolution-invalid',
  422,
  'Signal resolution breaks a rule',
  'The resolution breaks a rule.',
  'Neither or both of `scheduledOn` and `dismissed`, a dismissal without a `reason`, a `scheduledOn` before today, or a ' +
    '`staffId` not of the client’s organization; `errors` names each.',
);
