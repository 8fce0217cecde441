import type { LivingSituation } from '../enums.js';
import type { CourseProgress } from './schemas.js';

/*
 * When a carer counts as trained by the school of care (order No. 99, items 2.3 and 4). The
 * order names the school and asks for its programme, not a test, so the register decides:
 * a carer is trained in a course once the sessions of it they attended (attendance `attended`)
 * have together covered every topic of the course, in any order and over any number of
 * sessions; trained on the day of the session that covered the last missing topic. A carer is
 * trained when trained in at least one course. Absence, refusal or enrolment alone teach nothing.
 */

/** A session of the school a carer attended: its course, day and the topics it covered. */
export interface AttendedSession {
  courseId: string;
  heldOn: string;
  topics: readonly string[];
}

/**
 * The carer's progress in each course they attended a session of, in the order of the courses'
 * first sessions. `courses` gives each course's topic codes in the course's order; topics a
 * session names outside its course count for nothing.
 */
export function courseProgress(courses: ReadonlyMap<string, readonly string[]>, sessions: readonly AttendedSession[]): CourseProgress[] {
  const byCourse = new Map<string, { covered: Set<string>; sessions: number; trainedOn: string | null }>();
  const ordered = [...sessions].sort((a, b) => a.heldOn.localeCompare(b.heldOn));
  for (const session of ordered) {
    const topics = courses.get(session.courseId);
    if (!topics) continue;
    let progress = byCourse.get(session.courseId);
    if (!progress) byCourse.set(session.courseId, (progress = { covered: new Set(), sessions: 0, trainedOn: null }));
    progress.sessions += 1;
    for (const topic of session.topics) if (topics.includes(topic)) progress.covered.add(topic);
    if (progress.trainedOn === null && progress.covered.size === topics.length) progress.trainedOn = session.heldOn;
  }
  return [...byCourse].map(([courseId, progress]) => {
    const topics = courses.get(courseId) ?? [];
    return {
      courseId,
      sessionsAttended: progress.sessions,
      topicsCovered: topics.filter((topic) => progress.covered.has(topic)),
      topicsRemaining: topics.filter((topic) => !progress.covered.has(topic)),
      trainedOn: progress.trainedOn,
    };
  });
}

export const isTrained = (progress: readonly CourseProgress[]) => progress.some((course) => course.trainedOn !== null);

/**
 * The living situations in which a client lives in a family (with a spouse or relatives), whose
 * trained carers the regional report counts: the school teaches the families who care for a
 * client at home. The lonely and those living alone have no family carer at home.
 */
export const FAMILY_SITUATIONS: readonly LivingSituation[] = ['lonely_family', 'family_lives_alone', 'lives_with_family'];
