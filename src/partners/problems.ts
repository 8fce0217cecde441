import { defineProblem } from '../http/problems.js';

export const AgreementPartiesInvalid = defineProblem(
  'agreement-parties-invalid',
  422,
  'Wrong parties to the agreement',
  'The agreement names the wrong parties.',
  'An agreement is between a registered medical organization and registered social-service organizations; `errors` names each wrong party.',
);
export const AgreementDatesInvalid = defineProblem(
  'agreement-dates-invalid',
  422,
  'Agreement ends before it starts',
  'The agreement ends before it starts.',
  'The agreement’s `validTo` is before its `validFrom`.',
);
export const ConsentDateFuture = defineProblem(
  'consent-date-future',
  422,
  'Consent dated in the future',
  'A consent cannot be dated in the future.',
  'A consent or its revocation is recorded once given: its date is today (Moscow time) or earlier.',
);
