/*
 * A suggested support program (issue 17): the latest assessment's deficits, read through the
 * mapping (data, versioned like the instruments: migrations/data/program-suggestion-2026.json),
 * become milieu-therapy activities and goals per component of quality of life. Each activity
 * carries the rules that led to it with the items and answers behind them; an activity type whose
 * `maxGroup` is below the client's group is left out and listed with the reason, as the program's
 * suitability warnings would flag it (suitability.ts). Pure: the service reads the rows.
 */
import { Component, type SuggestionExclusion } from '../enums.js';
import type { ActivityTypeRow, PlannedActivity } from '../db/schema.js';
import type { Instrument } from '../instruments/schemas.js';
import type { GoalInput, ItemAnswer, ProgramSuggestion } from './schemas.js';

interface Localized {
  ru: string;
  en: string;
}

export interface SuggestionRule {
  code: string;
  /** What sets the rule off: per form, the items and the answers that count as a deficit; social-support levels. */
  when: { items?: Record<string, Record<string, string[]>>; socialSupport?: number[] };
  activities: Array<{ code: string; timesPerWeek?: number; timesPerMonth?: number }>;
  goals: Array<{ component: Component; text: string }>;
  /** From the milieu-therapy technology (shared/seeds): the direction's purpose. */
  rationale: Localized;
}

/** One version of the mapping, as stored in program_suggestion_mappings.definition. */
export interface SuggestionMapping {
  id: string;
  version: number;
  source: string;
  instruments: string[];
  /** The form's «Наличие ресурсов» (1 sufficient … 4 isolated), which no item of the score holds. */
  socialSupport: { text: Localized; options: Record<string, Localized> };
  rules: SuggestionRule[];
}

export interface SuggestionInput {
  mapping: SuggestionMapping;
  instrument: Instrument;
  answers: Record<string, string>;
  socialSupport: number;
  /** The client's group in effect. */
  group: number;
  /** The shared catalog's activity types by code, retired ones included. */
  catalog: ReadonlyMap<string, ActivityTypeRow>;
  period: { from: string; to: string };
  draftedBy: string[];
}

type Rationale = ProgramSuggestion['activities'][number]['rationale'][number];
type Frequency = Pick<PlannedActivity, 'timesPerWeek' | 'timesPerMonth'>;

/** Sessions a month, to keep the more frequent of two rules' frequencies for one activity type. */
const perMonth = (frequency: Frequency) => frequency.timesPerMonth ?? ((frequency.timesPerWeek ?? 0) * 52) / 12;

/** The assessment's answers that set a rule off, named with the form's wording. */
export function firedBy(rule: SuggestionRule, input: Pick<SuggestionInput, 'mapping' | 'instrument' | 'answers' | 'socialSupport'>) {
  const items: ItemAnswer[] = [];
  const deficits = rule.when.items?.[input.instrument.id] ?? {};
  for (const item of input.instrument.items) {
    const answer = input.answers[item.code];
    const option = item.options.find((candidate) => candidate.code === answer);
    if (option && deficits[item.code]?.includes(option.code)) {
      items.push({ itemCode: item.code, item: item.text, answer: option.code, answerText: option.text });
    }
  }
  const level = String(input.socialSupport);
  const levelText = input.mapping.socialSupport.options[level];
  if (rule.when.socialSupport?.includes(input.socialSupport) && levelText) {
    items.push({ itemCode: 'socialSupport', item: input.mapping.socialSupport.text, answer: level, answerText: levelText });
  }
  return items;
}

export function suggestProgram(input: SuggestionInput): Omit<ProgramSuggestion, 'assessmentId' | 'instrumentId' | 'mapping'> {
  const fired = input.mapping.rules.map((rule) => ({ rule, items: firedBy(rule, input) })).filter(({ items }) => items.length > 0);

  // One planned activity per activity type, however many rules name it, in the order first named.
  const named = new Map<string, { frequency: Frequency; rationale: Rationale[] }>();
  for (const { rule, items } of fired) {
    for (const { code, ...frequency } of rule.activities) {
      const entry = named.get(code);
      const because = { code: rule.code, rationale: rule.rationale, items };
      if (!entry) named.set(code, { frequency, rationale: [because] });
      else {
        entry.rationale.push(because);
        if (perMonth(frequency) > perMonth(entry.frequency)) entry.frequency = frequency;
      }
    }
  }

  const planned: PlannedActivity[] = [];
  const activities: ProgramSuggestion['activities'] = [];
  const leftOut: ProgramSuggestion['leftOut'] = [];
  for (const [code, { frequency, rationale }] of named) {
    const type = input.catalog.get(code);
    const exclusion = excluded(type, input.group);
    if (!type || exclusion) {
      const reason = exclusion ?? { reason: 'not_in_catalog' as const, message: `The catalog has no activity type ${code}.` };
      leftOut.push({ code, activityTypeId: type?.id ?? null, ...reason, rules: rationale.map((rule) => rule.code) });
      continue;
    }
    planned.push({ activityTypeId: type.id, ...frequency });
    activities.push({ activityTypeId: type.id, code, direction: type.direction, rationale });
  }

  const goals: GoalInput[] = [];
  for (const component of Component.values) {
    for (const { rule } of fired) {
      for (const goal of rule.goals) {
        if (goal.component !== component || goals.some((other) => other.component === component && other.text === goal.text)) continue;
        goals.push({ component, text: goal.text, targetDate: input.period.to });
      }
    }
  }

  return {
    program: {
      periodFrom: input.period.from,
      periodTo: input.period.to,
      goals,
      activities: planned,
      draftedBy: input.draftedBy,
      status: 'draft',
    },
    group: input.group,
    activities,
    leftOut,
  };
}

function excluded(type: ActivityTypeRow | undefined, group: number): { reason: SuggestionExclusion; message: string } | undefined {
  if (!type) return undefined;
  if (type.retired_at) return { reason: 'retired', message: `${type.name_en} is retired from the catalog.` };
  if (type.max_group !== null && group > type.max_group) {
    return {
      reason: 'unsuited_group',
      message: `${type.name_en} suits dependency groups up to ${type.max_group}; the client is in group ${group}.`,
    };
  }
  return undefined;
}
