import fc from 'fast-check';
import t from 'tap';
import { formatWallTime, instantOf, wallTime } from '../../src/calendar/zoned.js';
import { MAX_SESSIONS, RecurrenceError, expandRule, searchRule } from '../../src/activities/recurrence.js';

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
    t.throws(() => expandRule('FREQ=DAILY;BYHOUR=9,11,14,16;UNTIL=20250701T000000Z', first, 'Europe/Moscow'), /more than 500/);
    t.throws(() => expandRule('FREQ=DAILY;COUNT=501', first, 'Europe/Moscow'), /COUNT must be a whole number from 1 to 500/);
    t.throws(() => expandRule('FREQ=DAILY;COUNT=-3', first, 'Europe/Moscow'), /COUNT must be/);
    t.throws(() => expandRule('FREQ=DAILY;COUNT=3;UNTIL=20250301T000000Z', first, 'Europe/Moscow'), /both UNTIL and COUNT/);
  });
});

// Tuesday 2025-02-04 10:00 in Moscow: its series end by 2027-02-04 10:00.
const first = new Date('2025-02-04T10:00:00+03:00');
const horizon = new Date('2027-02-04T10:00:00+03:00');
const moscow = (rule: string) => local(expandRule(rule, first, 'Europe/Moscow'), 'Europe/Moscow');

t.test('a series ends within two years of its first session', async (t) => {
  t.test('a session on the second anniversary is in; COUNT beyond it is refused', async (t) => {
    t.same(moscow('FREQ=YEARLY;COUNT=3'), ['2025-02-04T10:00', '2026-02-04T10:00', '2027-02-04T10:00']);
    t.throws(() => moscow('FREQ=YEARLY;COUNT=4'), { name: 'RecurrenceError', message: /makes 3 of its COUNT=4 sessions within 2 years/ });
    t.throws(() => moscow('FREQ=WEEKLY;UNTIL=20270204T070100Z'), { name: 'RecurrenceError', message: /UNTIL is more than 2 years/ });
  });

  t.test('a date first matched after the horizon is not searched for', async (t) => {
    // The next February 29th is in 2028: rrule would have found it.
    t.same(moscow('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=1'), []);
  });

  t.test('the bound cuts no session within the horizon short', async (t) => {
    const mondays = moscow('FREQ=DAILY;BYDAY=MO;UNTIL=20270204T070000Z');
    t.equal(mondays.length, 104);
    t.same([mondays[0], mondays.at(-1)], ['2025-02-10T10:00', '2027-02-01T10:00']);
    const everyOtherTuesday = moscow('FREQ=WEEKLY;INTERVAL=2;UNTIL=20270204T070000Z');
    t.same([everyOtherTuesday.length, everyOtherTuesday.at(-1)], [53, '2027-02-02T10:00']);
    const lastFridays = moscow('FREQ=MONTHLY;BYDAY=-1FR;COUNT=24');
    t.same([lastFridays[0], lastFridays.at(-1)], ['2025-02-28T10:00', '2027-01-29T10:00']);
    t.equal(moscow(`FREQ=DAILY;COUNT=${MAX_SESSIONS}`).at(-1), '2026-06-18T10:00');
  });
});

/** The most days, weeks, months or years whose start falls within two years of a start. */
const periodsWithinHorizon = { DAILY: 732, WEEKLY: 106, MONTHLY: 25, YEARLY: 3 };
const freqOf = (rule: string) => /FREQ=(\w+)/.exec(rule)![1] as keyof typeof periodsWithinHorizon;

t.test('a rule that matches (almost) no date searches no further than the horizon', async (t) => {
  // Each of these searched rrule's calendar on to the year 9999: up to 20 s of CPU apiece.
  const rules = [
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1',
    'FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31;COUNT=1',
    'FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;COUNT=1',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=1',
    'FREQ=DAILY;INTERVAL=7;BYDAY=MO;UNTIL=20270204T070000Z',
    'FREQ=DAILY;BYYEARDAY=366;COUNT=1',
    'FREQ=DAILY;BYWEEKNO=53;BYMONTH=6;COUNT=1',
    'FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2;COUNT=1',
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=1',
    'FREQ=DAILY;BYSETPOS=-1,-2,-3,-4,-5,-6,-7,-8,-9,-10;BYMONTH=2;BYMONTHDAY=30;COUNT=1',
    'FREQ=WEEKLY;BYSETPOS=2;BYDAY=MO;COUNT=1',
  ];
  for (const rule of rules) {
    const { starts, periodsSearched } = searchRule(rule, first, 'Europe/Moscow');
    t.same(starts, [], `${rule} makes no session`);
    t.ok(periodsSearched <= periodsWithinHorizon[freqOf(rule)], `${rule} searched ${periodsSearched} periods`);
  }
  t.equal(searchRule('FREQ=DAILY;INTERVAL=99999999;UNTIL=20270204T070000Z', first, 'Europe/Moscow').periodsSearched, 1);
});

t.test('any rule of the nastiest parts searches within the horizon and makes sessions only there', async () => {
  const list = <T>(values: T[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 4 }).map((v) => v.join(','));
  const part = (name: string, values: Array<string | number>) =>
    fc.option(
      list(values).map((v) => `;${name}=${v}`),
      { nil: '' },
    );
  const rule = fc
    .tuple(
      fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
      fc.constantFrom(1, 2, 7, 13, 400, 99999999),
      part('BYMONTH', [2, 4, 6, 9, 11]),
      part('BYMONTHDAY', [29, 30, 31, -1, -31, 13]),
      part('BYDAY', ['MO', 'FR', '5MO', '-1FR', '2TU', 'SU']),
      part('BYYEARDAY', [1, 60, 366, -366]),
      part('BYWEEKNO', [1, 53, -53]),
      part('BYSETPOS', [1, -1, 3, 10]),
      part('BYHOUR', [0, 10, 23]),
      fc.oneof(
        fc.integer({ min: 1, max: MAX_SESSIONS }).map((n) => `;COUNT=${n}`),
        fc.constantFrom(';UNTIL=20270204T070000Z', ';UNTIL=20250601T000000Z'),
      ),
    )
    .map(([freq, interval, ...parts]) => `FREQ=${freq};INTERVAL=${interval}${parts.join('')}`);
  fc.assert(
    fc.property(rule, (text) => {
      let expansion;
      try {
        expansion = searchRule(text, first, 'Europe/Moscow');
      } catch (error) {
        if (error instanceof RecurrenceError) return true;
        throw error;
      }
      const interval = Number(/INTERVAL=(\d+)/.exec(text)![1]);
      return (
        expansion.starts.length <= MAX_SESSIONS &&
        expansion.starts.every((start) => start >= first && start <= horizon) &&
        expansion.periodsSearched <= Math.floor(periodsWithinHorizon[freqOf(text)] / interval) + 1
      );
    }),
    { seed: 20250204, numRuns: 300 },
  );
});

t.test('what a session schedule has no use for is refused before expanding', async (t) => {
  const refusals: Array<[string, RegExp]> = [
    // Hour 3 of every other hour from 10:00: rrule stepped on for ever.
    ['FREQ=HOURLY;INTERVAL=2;BYHOUR=3;COUNT=1', /FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY/],
    ['FREQ=MINUTELY;COUNT=3', /FREQ must be/],
    ['FREQ=SECONDLY;COUNT=3', /FREQ must be/],
    ['FREQ=DAILY;BYSECOND=0,30;COUNT=3', /BYSECOND/],
    ['FREQ=DAILY;BYSETPOS=1,2,3,4,5,6,7,8,9,10,11;COUNT=3', /BYSETPOS lists more than 10/],
    ['DTSTART;TZID=Asia/Tokyo:20250204T100000\nRRULE:FREQ=DAILY;COUNT=3', /TZID/],
  ];
  for (const [rule, message] of refusals)
    t.throws(() => expandRule(rule, first, 'Europe/Moscow'), { name: 'RecurrenceError', message }, rule);
});
