/*
 * The small rule set that checks a program against the client's functional state. The rules'
 * data lives in the catalog: each activity type's `max_group` is the highest dependency group it
 * suits (an excursion: 3; music therapy: any). Documented in the README.
 */
import type { ActivityTypeRow, PlannedActivity } from '../db/schema.js';
import type { Warning } from './schemas.js';

export function suitabilityWarnings(planned: PlannedActivity[], types: ActivityTypeRow[], group: number | null): Warning[] {
  if (group === null) {
    return [
      {
        code: 'no_assessment',
        activityTypeId: null,
        message: 'The client has no final assessment: the plan cannot be checked against a group.',
      },
    ];
  }
  const byId = new Map(types.map((type) => [type.id, type]));
  return planned.flatMap((activity) => {
    const type = byId.get(activity.activityTypeId);
    if (!type || type.max_group === null || group <= type.max_group) return [];
    return [
      {
        code: 'unsuited_group' as const,
        activityTypeId: type.id,
        message: `${type.name_en} suits dependency groups up to ${type.max_group}; the client is in group ${group}.`,
      },
    ];
  });
}
