/**
 * СНИЛС, the insurance number of an individual personal account: nine digits and a two-digit check
 * number. Accepted as `112-233-445 95` or `11223344595`, stored as the eleven digits.
 */
export const SNILS_PATTERN = '^([0-9]{3}-[0-9]{3}-[0-9]{3}[ -]?[0-9]{2}|[0-9]{11})$';

/** Numbers up to 001-001-998 were issued before the check number existed and are not checked. */
const LAST_UNCHECKED = 1_001_998;

export function canonicalSnils(input: string): string {
  return input.replace(/[^0-9]/g, '');
}

/** The check number: weights 9..1 over the nine digits; sums of 100 and 101 give 00, larger ones mod 101. */
export function snilsCheckNumber(nineDigits: string): number {
  const sum = [...nineDigits].reduce((total, digit, index) => total + Number(digit) * (9 - index), 0);
  if (sum < 100) return sum;
  if (sum <= 101) return 0;
  const remainder = sum % 101;
  return remainder === 100 ? 0 : remainder;
}

export function isValidSnils(digits: string): boolean {
  if (!/^[0-9]{11}$/.test(digits)) return false;
  const number = digits.slice(0, 9);
  if (Number(number) <= LAST_UNCHECKED) return true;
  return snilsCheckNumber(number) === Number(digits.slice(9));
}

/** All but the last five digits hidden, for medical partners: `***-***-445 95`. */
export function maskSnils(digits: string): string {
  return `***-***-${digits.slice(6, 9)} ${digits.slice(9)}`;
}
