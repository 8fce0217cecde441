/*
 * A support program's goals and their reviews (issue 17): each goal has an id, a component of
 * quality of life, a text, a target date and a status that only reviews change, so every
 * outcome has a date, a staff member and a note behind it. Pure, so the rules are tested directly;
 * the service reads and writes the program row around them.
 */
import { Component, type GoalStatus } from '../enums.js';
import type { FieldError } from '../http/problem.js';
import type { CreateGoalReview, Goal, GoalInput, GoalReview, GoalsInput } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

/** Open goals are worked on and fall due on their target date; the others have an outcome. */
export const OPEN_STATUSES: ReadonlySet<GoalStatus> = new Set(['planned', 'in_progress']);

/** A goal as sent, with where it was sent, for the field errors. */
interface SentGoal {
  goal: GoalInput;
  at: string;
}

/**
 * The goals as a list. The earlier shape, one text per component, still comes from older clients:
 * each text is the goal of that component, which on a change is the program's first goal of the
 * same component, keeping its id, target date, status and reviews.
 */
export function sentGoals(input: GoalsInput, existing: readonly Goal[]): SentGoal[] {
  if (Array.isArray(input)) return input.map((goal, index) => ({ goal, at: `/goals/${index}` }));
  const taken = new Set<string>();
  return Component.values.flatMap((component) => {
    const text = input[component];
    if (text === undefined) return [];
    const match = existing.find((goal) => goal.component === component && !taken.has(goal.id));
    if (match) taken.add(match.id);
    return [{ goal: { id: match?.id, component, text }, at: `/goals/${component}` }];
  });
}

/**
 * The program's goals after a create or a change that sends goals: a goal sent with its id keeps
 * its status and reviews, a new one is planned, due at the end of the period unless it says
 * otherwise. A reviewed goal is part of the program's record and cannot be dropped.
 */
export function mergeGoals(
  input: GoalsInput,
  existing: readonly Goal[],
  period: { from: string; to: string },
  newId: () => string,
): { goals: Goal[]; errors: Pointer[] } {
  const byId = new Map(existing.map((goal) => [goal.id, goal]));
  const kept = new Set<string>();
  const errors: Pointer[] = [];
  const goals: Goal[] = [];
  for (const { goal, at } of sentGoals(input, existing)) {
    if (goal.targetDate !== undefined && goal.targetDate < period.from) {
      errors.push({ pointer: `${at}/targetDate`, message: 'is before the program starts' });
    }
    if (goal.id === undefined) {
      goals.push({
        id: newId(),
        component: goal.component,
        text: goal.text,
        targetDate: goal.targetDate ?? period.to,
        status: 'planned',
        reviews: [],
      });
      continue;
    }
    const current = byId.get(goal.id);
    if (!current) {
      errors.push({ pointer: `${at}/id`, message: 'is not a goal of this program' });
    } else if (kept.has(goal.id)) {
      errors.push({ pointer: `${at}/id`, message: 'names a goal sent before' });
    } else {
      kept.add(goal.id);
      goals.push({ ...current, component: goal.component, text: goal.text, targetDate: goal.targetDate ?? current.targetDate });
    }
  }
  for (const goal of existing) {
    if (!kept.has(goal.id) && goal.reviews.length > 0) {
      errors.push({ pointer: '/goals', message: `leaves out goal ${goal.id}, which has reviews and stays on the program` });
    }
  }
  return { goals, errors };
}

/** What a review breaks, as field errors of its body; the staff member is checked by the service. */
export function reviewErrors(review: CreateGoalReview, goal: Goal, periodFrom: string, today: string): Pointer[] {
  const errors: Pointer[] = [];
  const last = goal.reviews.at(-1);
  if (review.reviewedOn > today) errors.push({ pointer: '/reviewedOn', message: 'is in the future' });
  if (review.reviewedOn < periodFrom) errors.push({ pointer: '/reviewedOn', message: 'is before the program starts' });
  // The last review sets the status: a review dated before it would be outdated the moment it lands.
  if (last && review.reviewedOn < last.reviewedOn) {
    errors.push({ pointer: '/reviewedOn', message: `is before the goal's last review (${last.reviewedOn})` });
  }
  if (review.targetDate !== undefined) {
    if (!OPEN_STATUSES.has(review.status)) {
      errors.push({ pointer: '/targetDate', message: 'is set only with the status planned or in_progress' });
    } else if (review.targetDate <= review.reviewedOn) {
      errors.push({ pointer: '/targetDate', message: 'is not after reviewedOn' });
    }
  }
  return errors;
}

/** The goal with the review appended: the review's status, and its new target date if it set one. */
export function withReview(goal: Goal, review: CreateGoalReview, id: string, recordedAt: Date): { goal: Goal; entry: GoalReview } {
  const entry: GoalReview = {
    id,
    reviewedOn: review.reviewedOn,
    staffId: review.staffId,
    note: review.note,
    status: review.status,
    targetDate: review.targetDate ?? null,
    recordedAt: recordedAt.toISOString(),
  };
  return {
    goal: { ...goal, status: review.status, targetDate: review.targetDate ?? goal.targetDate, reviews: [...goal.reviews, entry] },
    entry,
  };
}
