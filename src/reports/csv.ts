import type { CsvSeparator } from '../enums.js';
import { preferredType } from '../http/negotiation.js';

/* CSV for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Cyrillic right), CRLF lines. */

/** What a spreadsheet takes for the start of a formula when a text cell begins with it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell a reader could take apart or trim unless quoted: a quote, a line break, either
 * separator (a file is opened with the other one as often as not: Excel's locale decides), or
 * spaces at either end, which spreadsheets drop from unquoted cells.
 */
const NEEDS_QUOTES = /["\r\n,;]|^\s|\s$/;

/** A cell's value; null and undefined leave it empty. */
export type Cell = string | number | null | undefined;

function cell(value: Cell, separator: CsvSeparator): string {
  if (value === null || value === undefined) return '';
  // Russian-locale Excel reads ';'-separated files and a decimal comma.
  if (typeof value === 'number') return separator === ';' ? String(value).replace('.', ',') : String(value);
  // Text from the register (an organization's name) is shown, never run: a leading apostrophe
  // keeps "=HYPERLINK(…)" a text in Excel and LibreOffice (CSV injection, CWE-1236).
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][], separator: CsvSeparator = ','): string {
  const lines = [header, ...rows].map((row) => row.map((value) => cell(value, separator)).join(separator));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** True when the caller's Accept prefers CSV to JSON, JSON being the answer when it prefers neither. */
export function wantsCsv(accept: string | undefined): boolean {
  return preferredType(accept, ['application/json', 'text/csv']) === 'text/csv';
}
