import type { HashedEntry } from '../chain/entry';
import { ENTRY_COLUMNS } from '../persistence/entry-row';

export type ExportFormat = 'jsonl' | 'csv';

export const contentType = (format: ExportFormat): string =>
  format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';

/** One JSON object per line: the entry exactly as hashed, plus its hash. */
export const jsonlLine = (entry: HashedEntry): string => `${JSON.stringify(entry)}\n`;

/** RFC 4180 header: the entry's fields in a fixed order; `event` is a JSON cell. */
export const csvHeader = `${ENTRY_COLUMNS.join(',')}\r\n`;

export function csvLine(entry: HashedEntry): string {
  return `${ENTRY_COLUMNS.map((column) => csvCell(column === 'event' ? JSON.stringify(entry.event) : entry[column])).join(',')}\r\n`;
}

/** Null is an empty cell; everything else is quoted when it must be. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
