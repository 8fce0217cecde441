import { defineProblem } from '../http/problems.js';

export const CareSessionRuleViolated = defineProblem(
  'care-session-rule-violated',
  422,
  'School-of-care session breaks a rule',
  'The session breaks a rule.',
  'The organization is not a social-service organization, the course is not in the catalogue, a topic is not the course’s, or a staff member is not the organization’s; `errors` names each field.',
);
export const CarerNotEligible = defineProblem(
  'carer-not-eligible',
  422,
  'Carer cannot attend',
  'A carer named cannot attend this session.',
  'The carer is not a carer of a client of the session’s organization, or had stopped caring before the session’s day; `errors` points at each.',
);
export const CareSessionNotHeld = defineProblem<[string]>(
  'care-session-not-held',
  422,
  'Session not held yet',
  'The session is on %s: only enrolment is recorded before its day.',
  'Attendance other than `enrolled` is recorded on or after the session’s day.',
);
export const AttendeeDuplicate = defineProblem(
  'attendee-duplicate',
  422,
  'Carer named twice',
  'The request names a carer twice.',
  'A bulk attendance request names each carer once.',
);
