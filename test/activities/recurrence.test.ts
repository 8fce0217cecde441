import t from 'tap';
import { formatWallTime, instantOf, wallTime } from '../../src/calendar/zoned.js';
import { expandRule } from '../../src/activities/recurrence.js';

const local = (dates: Date[], zone: string) => dates.map((date) => formatWallTime(wallTime(date, zone)));

t.test('expanding recurrence rules on the organization’s wall clock', async (t) => {
  t.test('Tuesdays and Fridays at 10:00 Moscow time until the end of February', async (t) => {
    const first = new Date('2025-02-04T10:00:00+03:00');
    const starts = expandRule('FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20250228T235959Z', first, 'Europe/Moscow');
    t.same(local(starts, 'Europe/Moscow'), [
      '2025-02-04T10:00',
      '2025-02-07T10:00',
      '2025-02-11T10:00',
      '2025-02-14T10:00',
      '2025-02-18T10:00',
      '2025-02-21T10:00',
      '2025-02-25T10:00',
      '2025-02-28T10:00',
    ]);
    t.equal(starts[0]!.toISOString(), '2025-02-04T07:00:00.000Z');
  });

  t.test('a session stays at 10:00 across a daylight-saving change', async (t) => {
    const first = instantOf({ year: 2025, month: 3, day: 27, hour: 10, minute: 0 }, 'Europe/Berlin');
    const starts = expandRule('FREQ=DAILY;COUNT=4', first, 'Europe/Berlin');
    t.same(local(starts, 'Europe/Berlin'), ['2025-03-27T10:00', '2025-03-28T10:00', '2025-03-29T10:00', '2025-03-30T10:00']);
    t.same(
      starts.map((date) => date.getUTCHours()),
      [9, 9, 9, 8],
      'the UTC hour moves, the local one does not',
    );
  });

  t.test('monthly on the 31st skips the short months; BYMONTHDAY=-1 is every month end', async (t) => {
    const first = new Date('2025-01-31T15:00:00+03:00');
    t.same(local(expandRule('FREQ=MONTHLY;COUNT=3', first, 'Europe/Moscow'), 'Europe/Moscow'), [
      '2025-01-31T15:00',
      '2025-03-31T15:00',
      '2025-05-31T15:00',
    ]);
    t.same(local(expandRule('FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4', first, 'Europe/Moscow'), 'Europe/Moscow'), [
      '2025-01-31T15:00',
      '2025-02-28T15:00',
      '2025-03-31T15:00',
      '2025-04-30T15:00',
    ]);
  });

  t.test('rules that cannot be used', async (t) => {
    const first = new Date('2025-02-04T10:00:00+03:00');
    t.throws(() => expandRule('FREQ=WEEKLY;BYDAY=TU', first, 'Europe/Moscow'), { name: 'RecurrenceError', message: /UNTIL or COUNT/ });
    t.throws(() => expandRule('FREQ=SOMETIMES;COUNT=2', first, 'Europe/Moscow'), { name: 'RecurrenceError', message: /RFC 5545/ });
    t.throws(() => expandRule('FREQ=HOURLY;COUNT=1000', first, 'Europe/Moscow'), /more than 500/);
  });
});
