import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, Day, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { SelfCareReduction } from '../enums.js';

/*
 * The commission's decision beside the computed group (issue 17), as Germany's care-grade
 * assessment and Japan's certification committees keep it: the score and its group stay what the
 * order's table gives, and the decided group is what the care hours, the client's figures and the
 * regional report follow.
 */

const Group = Type.Integer({ minimum: 1, maximum: 6, description: 'Dependency group (группа функционирования).', examples: [5] });

export const CareHoursSchema = Type.Object(
  {
    optimal: Type.Integer({ examples: [20] }),
    minimal: Type.Integer({ examples: [16] }),
    byLivingSituation: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Weekly hours for the family status recorded on the assessment; null on the inpatient form.',
      examples: [18],
    }),
  },
  { description: 'Weekly care hours per client (order No. 99, annex 2).' },
);

const DecidedBy = Type.Array(Uuid, {
  minItems: 2,
  maxItems: 10,
  uniqueItems: true,
  description: 'The members of the commission: at least two different staff members of the client’s organization.',
  examples: [['0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1', '5b7a1c2e-3d4f-4a5b-8c6d-7e8f9a0b1c2d']],
});

export const DecisionSchema = Type.Object(
  {
    id: Uuid,
    assessmentId: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    decidedGroup: Group,
    computedGroup: Type.Integer({ minimum: 1, maximum: 6, description: 'The group the assessment’s score gives, for comparison.' }),
    selfCareReduction: SelfCareReduction,
    hours: CareHoursSchema,
    reason: Type.String({ description: 'Why the commission decided this group (and, for a later decision, why it replaces the earlier).' }),
    decidedBy: DecidedBy,
    decidedOn: CalendarDate,
    supersedes: Type.Union([Uuid, Type.Null()], { description: 'The earlier decision this one replaced.' }),
    supersededBy: Type.Union([Uuid, Type.Null()], { description: 'The later decision that replaced this one; null while current.' }),
    createdAt: Timestamp,
  },
  {
    title: 'AssessmentDecision',
    description:
      'A commission’s decision on a final assessment’s dependency group (решение комиссии), kept beside the computed group. ' +
      'The self-care reduction and the care hours are the decided group’s row of the form’s tables.',
  },
);

export const CreateDecisionSchema = Type.Object(
  {
    decidedGroup: Group,
    reason: Text(2000, { description: 'Why the commission decided this group; for a later decision, also why it replaces the earlier.' }),
    decidedBy: DecidedBy,
    decidedOn: Day('The day of the commission: not before the assessment, not after today, not before the decision it supersedes.'),
    supersedes: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'The assessment’s current decision, which this one replaces. Required once the assessment has a decision ' +
          '(409 `decision-exists` otherwise), so that two commissions cannot replace each other’s decision unseen.',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateAssessmentDecision',
    examples: [
      {
        decidedGroup: 5,
        reason: 'Деменция средней степени: нуждается в постоянном присмотре, чего бланк не отражает',
        decidedBy: ['0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1', '5b7a1c2e-3d4f-4a5b-8c6d-7e8f9a0b1c2d'],
        decidedOn: '2026-11-27',
      },
    ],
  },
);

/** What counts for an assessment: the current decision's figures when it has one, the computed ones otherwise. */
export const EffectiveFiguresSchema = Type.Object(
  {
    group: Group,
    selfCareReduction: SelfCareReduction,
    hours: CareHoursSchema,
    decided: Type.Boolean({ description: 'true when the figures are the current commission decision’s, false when computed.' }),
  },
  {
    title: 'EffectiveFigures',
    description:
      'The group, self-care reduction and hours that count (the client’s figures, dynamics, reassessments, the regional report): ' +
      'the current decision’s, or the computed result’s when there is none.',
  },
);

export const DecisionParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const DecisionListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export type Decision = Static<typeof DecisionSchema>;
export type CreateDecision = Static<typeof CreateDecisionSchema>;
export type EffectiveFigures = Static<typeof EffectiveFiguresSchema>;
