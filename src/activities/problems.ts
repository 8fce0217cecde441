import { defineProblem } from '../http/problems.js';

export const SessionRuleViolated = defineProblem(
  'session-rule-violated',
  422,
  'Session breaks a rule of the schedule',
  'The session breaks a rule of the schedule.',
  'The organization is not a social-service one, or the department, the activity type or a responsible staff member is not the organization’s; `errors` names each.',
);
export const RecurrenceRuleInvalid = defineProblem(
  'recurrence-rule-invalid',
  422,
  'Recurrence rule cannot be used',
  'The recurrence rule cannot be used.',
  'The rule is not one RFC 5545 RRULE, repeats more often than daily, has not exactly one of UNTIL and COUNT, ends more than two years after its first session, makes more than 500 sessions, or uses BYSECOND, TZID or more than 10 BYSETPOS positions; `errors` names `/rule`.',
);
export const RecurrenceRuleEmpty = defineProblem(
  'recurrence-rule-empty',
  422,
  'Recurrence rule makes no session',
  'The rule makes no session.',
);
export const StaffOverlap = defineProblem<[string, string]>(
  'staff-overlap',
  409,
  'Staff already busy',
  'Staff %s already run a session at %s; send allowOverlap to book anyway.',
  'A responsible staff member already runs an overlapping session; `staffIds` and `startsAt` name them. `allowOverlap` books anyway.',
);
export const CancelReasonRequired = defineProblem(
  'cancel-reason-required',
  422,
  'Cancel reason required',
  'A cancelled session needs its reason.',
  'Cancelling a session needs a `cancelReason`.',
);
export const CancelReasonUnexpected = defineProblem(
  'cancel-reason-unexpected',
  422,
  'Cancel reason without cancelling',
  'Only a cancelled session has a reason.',
  'A `cancelReason` is sent only with the status `cancelled`.',
);
export const SessionCancelled = defineProblem<[string]>(
  'session-cancelled',
  422,
  'Session cancelled',
  'Activity %s is cancelled: nobody takes part in it.',
  'The session is cancelled: nobody enrols in it or attends it.',
);
export const ParticipantDuplicate = defineProblem(
  'participant-duplicate',
  422,
  'Client named twice',
  'The participation names a client twice.',
  'The bulk form names a client more than once; `errors` names `/participants`.',
);
export const ParticipantNotEligible = defineProblem(
  'participant-not-eligible',
  422,
  'Client cannot take part',
  'The participation names a client who cannot take part in the session.',
  'A client is unknown, of another organization, archived, discharged or deceased; `errors` names each.',
);
export const SessionNotStarted = defineProblem(
  'session-not-started',
  422,
  'Session not started',
  'Attendance is recorded once the session has started.',
  'Attendance other than `enrolled` before the session starts; `errors` names each entry.',
);
export const SessionFull = defineProblem<[string, number]>(
  'session-full',
  409,
  'Session full',
  'Activity %s is full: %s places.',
  'The session has no seat left for another enrolled or attending client; `capacity` says how many it has.',
);
export const ClientOverlap = defineProblem<[string]>(
  'client-overlap',
  409,
  'Client already busy',
  'Clients %s already take part in another session at that time; send allowOverlap to book anyway.',
  'A client already takes part in an overlapping session; `clientIds` names them. `allowOverlap` books anyway.',
);
