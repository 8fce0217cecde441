import t from 'tap';
import { addMonths, today } from '../../src/calendar/dates.js';

t.test('today is the date where the organization works, also across its midnight', async (t) => {
  // 20:59:30 UTC is 23:59:30 in Moscow; half a minute later it is the next day there, not in UTC.
  t.equal(today('Europe/Moscow', new Date('2026-03-31T20:59:30Z')), '2026-03-31');
  t.equal(today('Europe/Moscow', new Date('2026-03-31T21:00:00Z')), '2026-04-01');
  t.equal(today('Europe/Moscow', new Date('2026-03-31T20:59:59.999Z')), '2026-03-31', 'the date remembered for a minute ends with it');
  t.equal(today('Asia/Kamchatka', new Date('2026-03-31T11:59:00Z')), '2026-03-31');
  t.equal(today('Asia/Kamchatka', new Date('2026-03-31T12:00:00Z')), '2026-04-01');
  t.equal(today('Europe/Moscow', new Date('2026-03-31T21:00:30Z')), '2026-04-01', 'each time zone keeps its own');
  t.equal(today('Asia/Kolkata', new Date('2026-03-31T18:29:00Z')), '2026-03-31', 'a half-hour offset turns on a whole minute too');
  t.equal(today('Asia/Kolkata', new Date('2026-03-31T18:30:00Z')), '2026-04-01');
});

t.test('addMonths keeps the day where the month has it', async (t) => {
  t.equal(addMonths('2025-08-31', 6), '2026-02-28');
  t.equal(addMonths('2027-08-31', 6), '2028-02-29');
  t.equal(addMonths('2026-01-15', 12), '2027-01-15');
});
