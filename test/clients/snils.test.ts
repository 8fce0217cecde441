import t from 'tap';
import { canonicalSnils, isValidSnils, snilsCheckNumber } from '../../src/clients/snils.js';

t.test('SNILS check numbers', async (t) => {
  t.test('the worked example 112-233-445 95 is valid in both spellings', async (t) => {
    t.equal(canonicalSnils('112-233-445 95'), '11223344595');
    t.ok(isValidSnils(canonicalSnils('112-233-445 95')));
    t.ok(isValidSnils('11223344595'));
  });

  t.test('a sum under 100 is the check number itself', async (t) => {
    // 1*9 + 2*8 + 3*7 + ... + 9*1 = 165 for 123456789; 000000123 gives 1*3 + 2*2 + 3*1 = 10
    t.equal(snilsCheckNumber('000000123'), 10);
  });

  t.test('sums of 100 and 101 give 00', async (t) => {
    // 9*9 + 1*8 + 1*7 + 1*4 = 100; 9*9 + 1*8 + 1*7 + 1*5 = 101
    t.equal(snilsCheckNumber('911001000'), 0);
    t.equal(snilsCheckNumber('911010000'), 0);
  });

  t.test('larger sums are taken mod 101, and a remainder of 100 gives 00', async (t) => {
    t.equal(snilsCheckNumber('123456789'), 165 % 101);
    // 9*9+9*8+9*7+9*6+9*5+9*4+9*3+2*2+0*1 = 382; 382 mod 101 = 79
    t.equal(snilsCheckNumber('999999920'), 79);
    t.ok(isValidSnils('12345678964'));
  });

  t.test('a wrong check number is refused', async (t) => {
    t.notOk(isValidSnils('11223344596'));
    t.notOk(isValidSnils('12345678900'));
  });

  t.test('numbers up to 001-001-998 are not checked', async (t) => {
    t.ok(isValidSnils('00100199800'));
    t.ok(isValidSnils('00000000199'));
    t.notOk(isValidSnils('00100199900'), '001-001-999 is checked again');
  });
});
