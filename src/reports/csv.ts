import type { CsvSeparator } from '../enums.js';

/* CSV for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Cyrillic right), CRLF lines. */

/** What a spreadsheet takes for the start of a formula when a text cell begins with it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell's value; null and undefined leave it empty. */
export type Cell = string | number | null | undefined;

function cell(value: Cell, separator: CsvSeparator): string {
  if (value === null || value === undefined) return '';
  // Russian-locale Excel reads ';'-separated files and a decimal comma.
  const number = typeof value === 'number' && separator === ';' ? String(value).replace('.', ',') : String(value);
  // Text from the register (an organization's name) is shown, never run: a leading apostrophe
  // keeps "=HYPERLINK(…)" a text in Excel and LibreOffice (CSV injection, CWE-1236).
  const text = typeof value !== 'number' && FORMULA_START.test(number) ? `'${number}` : number;
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][], separator: CsvSeparator = ','): string {
  const lines = [header, ...rows].map((row) => row.map((value) => cell(value, separator)).join(separator));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** True when the caller asks for CSV rather than JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.replace(/;.*$/s, '').trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}
