import t from 'tap';
import { daysWithin, fulfilment } from '../../src/support-programs/fulfilment.js';

const YEAR = { from: '2025-01-01', to: '2025-12-31' };

t.test('fulfilment on hand-computed examples', async (t) => {
  t.test('February 2025: twice a week is 8 sessions, four a month is 4', async (t) => {
    const result = fulfilment(
      '2025-02',
      YEAR,
      [
        { activityTypeId: 'art', timesPerWeek: 2 },
        { activityTypeId: 'concert', timesPerMonth: 4 },
      ],
      new Map([
        ['art', 6],
        ['concert', 4],
        ['reading', 3],
      ]),
    );
    t.same(
      result,
      {
        month: '2025-02',
        planned: 12,
        attended: 10,
        percent: 83.3,
        activities: [
          { activityTypeId: 'art', planned: 8, attended: 6, percent: 75 },
          { activityTypeId: 'concert', planned: 4, attended: 4, percent: 100 },
        ],
      },
      'unplanned reading does not count',
    );
  });

  t.test('a program starting mid-month plans for its days only', async (t) => {
    t.equal(daysWithin('2025-02', '2025-02-15', '2025-06-30'), 14);
    const result = fulfilment(
      '2025-02',
      { from: '2025-02-15', to: '2025-06-30' },
      [
        { activityTypeId: 'art', timesPerWeek: 2 },
        { activityTypeId: 'concert', timesPerMonth: 4 },
      ],
      new Map(),
    );
    t.same(
      result.activities.map((row) => row.planned),
      [4, 2],
    );
    t.equal(result.percent, 0);
  });

  t.test('March: three a week over 31 days rounds to 13; more than planned goes over 100%', async (t) => {
    const result = fulfilment('2025-03', YEAR, [{ activityTypeId: 'art', timesPerWeek: 3 }], new Map([['art', 14]]));
    t.match(result, { planned: 13, attended: 14, percent: 107.7 });
  });

  t.test('a month outside the period plans nothing', async (t) => {
    const result = fulfilment('2026-01', YEAR, [{ activityTypeId: 'art', timesPerWeek: 2 }], new Map([['art', 1]]));
    t.match(result, { planned: 0, attended: 1, percent: null });
  });
});
