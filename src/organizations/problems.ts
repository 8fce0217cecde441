import { defineProblem } from '../http/problems.js';

export const OrganizationInnTaken = defineProblem<[string, string]>(
  'organization-inn-taken',
  409,
  'INN already registered',
  'An organization with INN %s already exists%s.',
  'An organization with this INN is already registered; the detail names it.',
);
export const InnCheckDigits = defineProblem(
  'inn-check-digits',
  422,
  'INN check digits wrong',
  'The INN check digits do not match.',
  'The INN’s check digits do not agree with its other digits; `errors` names `/inn`.',
);
export const TimeZoneUnknown = defineProblem(
  'time-zone-unknown',
  422,
  'Unknown time zone',
  'Unknown time zone.',
  'The time zone is not an IANA time zone such as Europe/Moscow; `errors` names `/timeZone`.',
);
export const NotSocialServiceOrganization = defineProblem<[string]>(
  'not-social-service-organization',
  422,
  'Not a social-service organization',
  '%s belong to a registered social-service organization.',
  'The organization named is not a registered social-service organization, and only those have clients, departments, staff, sessions and activity types of their own; `errors` names the field.',
);
