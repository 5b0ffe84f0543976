import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { AppError } from '../http/errors';

/** A record longer than this is refused: it bounds the memory one row can take. */
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Reads a CSV stream record by record: the header row first, then each data
 * record with its 1-based row number (the header is not counted). The parser
 * pulls from the stream only as fast as the consumer awaits, so a file is
 * never held in memory whole. A malformed file (an unclosed quote, an
 * oversized record) is a 400 naming the line.
 */
export async function* csvRecords(input: Readable): AsyncGenerator<{ header: string[] } | { record: string[]; row: number }> {
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_BYTES }));
  input.once('error', (err) => parser.destroy(err));
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (row === 0) yield { header: record };
      else yield { record, row };
      row++;
    }
  } catch (err) {
    if (err instanceof CsvError) throw new AppError('VALIDATION_FAILED', `Not a readable CSV file: ${err.message}`, [{ path: 'body', message: err.message }]);
    throw err;
  }
  if (row === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty: expected a header row', [{ path: 'body', message: 'expected a header row' }]);
}
