import t from 'tap';
import { courseProgress, isTrained } from '../../src/school-of-care/training.js';

const courses = new Map([
  ['basic', ['a', 'b', 'c']],
  ['advanced', ['x']],
]);

t.test('a carer is trained once attended sessions together cover every topic of a course', async (t) => {
  const progress = courseProgress(courses, [
    { courseId: 'basic', heldOn: '2025-03-10', topics: ['c'] },
    { courseId: 'basic', heldOn: '2025-03-01', topics: ['a', 'b'] },
  ]);
  t.same(progress, [
    { courseId: 'basic', sessionsAttended: 2, topicsCovered: ['a', 'b', 'c'], topicsRemaining: [], trainedOn: '2025-03-10' },
  ]);
  t.ok(isTrained(progress));
});

t.test('trained on the day of the session that covered the last missing topic, whatever came after', async (t) => {
  const [basic] = courseProgress(courses, [
    { courseId: 'basic', heldOn: '2025-04-01', topics: ['a', 'b', 'c'] },
    { courseId: 'basic', heldOn: '2025-02-01', topics: ['a'] },
    { courseId: 'basic', heldOn: '2025-03-01', topics: ['b', 'c'] },
  ]);
  t.equal(basic?.trainedOn, '2025-03-01');
  t.equal(basic?.sessionsAttended, 3);
});

t.test('a topic missing leaves the carer untrained, and repeating a topic does not replace another', async (t) => {
  const progress = courseProgress(courses, [
    { courseId: 'basic', heldOn: '2025-03-01', topics: ['a'] },
    { courseId: 'basic', heldOn: '2025-03-02', topics: ['a', 'b'] },
  ]);
  t.same(progress[0]?.topicsRemaining, ['c']);
  t.equal(progress[0]?.trainedOn, null);
  t.notOk(isTrained(progress));
});

t.test('topics of another course, or of no course, count for nothing', async (t) => {
  const progress = courseProgress(courses, [
    { courseId: 'advanced', heldOn: '2025-03-01', topics: ['a', 'b', 'c'] },
    { courseId: 'basic', heldOn: '2025-03-01', topics: ['a', 'b', 'x'] },
    { courseId: 'retired', heldOn: '2025-03-01', topics: ['c'] },
  ]);
  t.same(
    progress.map((course) => [course.courseId, course.topicsCovered, course.trainedOn]),
    [
      ['advanced', [], null],
      ['basic', ['a', 'b'], null],
    ],
  );
});

t.test('one course completed is enough, another one started is shown beside it', async (t) => {
  const progress = courseProgress(courses, [
    { courseId: 'advanced', heldOn: '2025-05-01', topics: ['x'] },
    { courseId: 'basic', heldOn: '2025-04-01', topics: ['a'] },
  ]);
  t.same(
    progress.map((course) => [course.courseId, course.trainedOn]),
    [
      ['basic', null],
      ['advanced', '2025-05-01'],
    ],
  );
  t.ok(isTrained(progress));
  t.notOk(isTrained([]), 'no session, no training');
});
