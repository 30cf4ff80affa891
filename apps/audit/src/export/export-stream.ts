import { Readable } from 'node:stream';
import type { AuditLogReader } from '../query/audit-log.reader';
import { csvHeader, csvLine, jsonlLine, type ExportFormat } from './export-format';

/**
 * The export as a stream: keyset batches from Postgres, formatted line by line, joined
 * into chunks of about 64 KiB. `Readable.from` pulls only when the socket drains, so
 * memory stays at one batch whatever the number of rows.
 */
export function exportStream(
  reader: AuditLogReader,
  chain: string,
  first: number,
  last: number,
  format: ExportFormat,
): Readable {
  async function* lines(): AsyncGenerator<string> {
    let chunk = format === 'csv' ? csvHeader : '';
    for await (const entry of reader.scan(chain, first, last)) {
      chunk += format === 'csv' ? csvLine(entry) : jsonlLine(entry);
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(lines(), { objectMode: false });
}
