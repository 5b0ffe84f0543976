import { Writable } from 'node:stream';
import { decimalOf, keysetPages, safeCell, streamCsv } from '../../../src/exports/csv';

describe('CSV cells', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['Anna', 'Anna'],
    ['สมชาย', 'สมชาย'],
  ])('%j is written as %j', (value, cell) => {
    expect(safeCell(value)).toBe(cell);
  });

  it('keeps numbers, writes booleans and empties', () => {
    expect(safeCell(-5)).toBe(-5);
    expect(safeCell(true)).toBe('true');
    expect(safeCell(null)).toBe('');
  });

  it.each([
    [1234, 2, '12.34'],
    [-5, 2, '-0.05'],
    [0, 2, '0.00'],
    [1234, 0, '1234'],
    [1, 3, '0.001'],
    [Number.MAX_SAFE_INTEGER, 2, '90071992547409.91'],
  ])('%d minor units in %d digits is %s', (minor, digits, text) => {
    expect(decimalOf(minor, digits)).toBe(text);
  });
});

describe('streaming', () => {
  it('pulls pages only as fast as the reader drains them', async () => {
    let pulled = 0;
    const total = 200;
    async function* pages() {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield Array.from({ length: 100 }, (_, j) => ({ id: i * 100 + j, name: 'x'.repeat(50) }));
      }
    }
    let release: (() => void) | undefined;
    let written = 0;
    // A reader that stops after the first chunk until released: a slow client.
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, callback) {
        written += chunk.length;
        if (release === undefined) release = callback;
        else callback();
      },
    });
    const done = streamCsv(pages(), [{ header: 'id', value: (r: { id: number }) => r.id }, { header: 'name', value: (r: { name: string }) => r.name }], slow);
    await new Promise((r) => setTimeout(r, 200));
    // Stalled: a few pages are buffered in the pipeline, not the 200.
    expect(pulled).toBeLessThan(10);
    release?.();
    await done;
    expect(pulled).toBe(total);
    expect(written).toBeGreaterThan(total * 100 * 50);
  });

  it('walks keyset pages until a short one', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
    const seen: number[] = [];
    for await (const page of keysetPages((after: number) => Promise.resolve(rows.filter((r) => r.id > after).slice(0, 10)), 0, (r) => r.id, 10)) seen.push(page.length);
    expect(seen).toEqual([10, 10, 5]);
  });
});
