/**
 * The outcome indicators specialists observe (the technology's monitoring), each rated 0-4.
 * For the first four a higher rating is better; for depressive episodes and aggressiveness a
 * higher rating is worse. "Improved" always means moved in the better direction.
 */
export const INDICATORS = {
  selfCareSkills: { column: 'self_care_skills', higherIsBetter: true },
  rangeOfInterests: { column: 'range_of_interests', higherIsBetter: true },
  communication: { column: 'communication', higherIsBetter: true },
  emotionalStability: { column: 'emotional_stability', higherIsBetter: true },
  depressiveEpisodes: { column: 'depressive_episodes', higherIsBetter: false },
  aggressiveness: { column: 'aggressiveness', higherIsBetter: false },
} as const;

export type Indicator = keyof typeof INDICATORS;
export type IndicatorColumn = (typeof INDICATORS)[Indicator]['column'];
export const INDICATOR_NAMES = Object.keys(INDICATORS) as Indicator[];

export type Trend = 'improved' | 'held' | 'worsened';

export function trend(indicator: Indicator, before: number, after: number): Trend {
  if (before === after) return 'held';
  const better = INDICATORS[indicator].higherIsBetter ? after > before : after < before;
  return better ? 'improved' : 'worsened';
}
