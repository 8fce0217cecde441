import t from 'tap';
import { preferredType } from '../../src/http/negotiation.js';
import { toCsv, wantsCsv } from '../../src/reports/csv.js';

const cells = (csv: string) => csv.slice(1).split('\r\n')[1];

t.test('CSV quotes a text cell a spreadsheet would split or trim (issue 14.10)', async (t) => {
  const row = (value: string, separator: ',' | ';' = ',') => cells(toCsv(['a'], [[value]], separator));
  t.equal(row(' центр'), '" центр"', 'a leading space');
  t.equal(row('центр '), '"центр "', 'a trailing space');
  t.equal(row('а;б', ','), '"а;б"', 'the other separator, in a comma file');
  t.equal(row('а,б', ';'), '"а,б"', 'the other separator, in a semicolon file');
  t.equal(row('а,б', ','), '"а,б"', 'its own separator');
  t.equal(row('«Центр» "Забота"'), '"«Центр» ""Забота"""', 'quotes, doubled');
  t.equal(row('строка\nещё'), '"строка\nещё"', 'a line break');
  t.equal(row('Центр № 1'), 'Центр № 1', 'plain text stays bare');
  t.equal(row(' =1+1'), '" =1+1"', 'quoted; a leading space is no formula start');
  t.equal(row('=1+1'), "'=1+1", 'formulas stay texts');
  t.equal(cells(toCsv(['a', 'b'], [[1.5, 2]], ';')), '1,5;2', 'numbers with a decimal comma are never quoted');
});

t.test('Accept weighs media ranges by q, and q=0 refuses a type (issue 14.10)', async (t) => {
  t.equal(wantsCsv('text/csv;q=0, application/json'), false, 'q=0 is "not CSV"');
  t.equal(wantsCsv('text/csv;q=0'), false, 'nothing acceptable: the default, JSON');
  t.equal(wantsCsv('application/json;q=0.5, text/csv;q=0.9'), true, 'the higher weight wins');
  t.equal(wantsCsv('text/csv, application/json'), true, 'equal weights: the caller’s first');
  t.equal(wantsCsv('application/json, text/csv'), false);
  t.equal(wantsCsv('text/*, application/json;q=0.8'), true, 'a type range');
  t.equal(wantsCsv('*/*'), false, 'anything: our default');
  t.equal(wantsCsv('TEXT/CSV'), true, 'media types are case-insensitive');
  t.equal(wantsCsv('text/csv;q=oops, application/json'), false, 'a malformed weight makes its range unusable');
  t.equal(wantsCsv(undefined), false);
  t.equal(
    preferredType('text/html,application/xhtml+xml,*/*;q=0.8', ['application/json', 'text/csv', 'text/html']),
    'text/html',
    'a browser',
  );
  t.equal(
    preferredType('text/*;q=0.5, text/csv;q=0', ['application/json', 'text/csv', 'text/html']),
    'text/html',
    'the most precise range decides',
  );
});
