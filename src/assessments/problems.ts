import { defineProblem } from '../http/problems.js';

export const AssessmentFinal = defineProblem<[string, string]>(
  'assessment-final',
  409,
  'Assessment final',
  'Assessment %s is final and cannot change; file a correction with "supersedes": "%s".',
  'The assessment is final and immutable: a change is a correction naming it in `supersedes`.',
);
export const AssessmentAlreadyFinal = defineProblem<[string]>(
  'assessment-already-final',
  409,
  'Assessment already final',
  'Assessment %s is already final.',
  'The assessment to finalize is final already.',
);
export const SupersededMeanwhile = defineProblem<[string]>(
  'assessment-superseded-meanwhile',
  409,
  'Assessment superseded meanwhile',
  'Assessment %s was superseded by another correction meanwhile.',
  'Another correction of the same assessment was filed while this one was written; read the assessment again.',
);
export const ArchivedClientNotAssessable = defineProblem<[string]>(
  'assessment-of-archived-client',
  422,
  'Client archived',
  'Client %s is archived: it takes no new assessment.',
  'The client is archived: it takes no new assessment, and its drafts no longer change.',
);
export const DeceasedClientNotAssessable = defineProblem<[string]>(
  'assessment-of-deceased-client',
  422,
  'Client deceased',
  'Client %s is deceased: it takes no new assessment.',
  'The client is deceased: it takes no new assessment, and its drafts no longer change.',
);
export const UnknownInstrument = defineProblem(
  'unknown-instrument',
  422,
  'Unknown instrument',
  'Unknown instrument.',
  '`instrumentId` names no form of GET /v1/instruments.',
);
export const InstrumentCareFormMismatch = defineProblem(
  'instrument-care-form-mismatch',
  422,
  'Form of another care form',
  'The form does not match the client’s care form.',
  'The form is for the other care form (home or inpatient) than the client receives.',
);

// The rules of the form are checked together, so that one answer names every broken field; the
// problem's type is the correction's condition when there is one, otherwise the rule violation.
const RULE_DETAIL = 'The assessment breaks a rule of the form.';

export const AssessmentRuleViolated = defineProblem(
  'assessment-rule-violated',
  422,
  'Assessment breaks a rule of the form',
  RULE_DETAIL,
  'An answer, a date, a signer or the correction’s reason breaks a rule of the form; `errors` names each field.',
);
export const CorrectionOfOtherAssessment = defineProblem(
  'correction-of-unknown-assessment',
  422,
  'Correction of no assessment of the client',
  RULE_DETAIL,
  '`supersedes` names no assessment of this client; `errors` names it and any other broken rule.',
);
export const CorrectionOfDraft = defineProblem(
  'correction-of-draft',
  422,
  'Correction of a draft',
  RULE_DETAIL,
  '`supersedes` names a draft, which is edited instead; `errors` names it and any other broken rule.',
);
export const AssessmentAlreadySuperseded = defineProblem(
  'assessment-already-superseded',
  422,
  'Assessment already superseded',
  RULE_DETAIL,
  '`supersedes` names an assessment another correction already replaced: correct that one; `errors` names it and any other broken rule.',
);

// The two keys of a client's assessments on one form, kept unique by the database.
export const FinalAssessmentOnDate = defineProblem<[string, string]>(
  'final-assessment-on-date',
  409,
  'Final assessment of that date exists',
  'Assessment %s is the client’s final assessment on this form dated %s; file a correction with "supersedes" instead.',
  'The client already has a final, current assessment on the same form and date, and has one a day: a change to it is a correction naming it in `supersedes`.',
);
export const InterviewNoTaken = defineProblem<[number, string]>(
  'interview-number-taken',
  409,
  'Interview number taken',
  'Interview number %s of the client on this form is held by assessment %s; leave interviewNo out to get the next one.',
  'Another current assessment of the client on the same form holds the `interviewNo`; left out, the next free number is given.',
);
