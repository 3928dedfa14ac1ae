import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv-parse.js';
import { csvDataset, DataError, loadCsv, loadCsvFeatures } from '../../src/data/index.js';

/** Runs `fn` and returns the DataError it throws (failing the test if it throws anything else). */
function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

describe('parseCsv', () => {
  it('handles quotes, commas and line breaks in quotes, "" escapes and CRLF', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""",3\r\n"two\r\nlines",,"5"\r\n';
    expect(parseCsv(text, 'f.csv')).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', '3'], line: 2 },
      { fields: ['two\r\nlines', '', '5'], line: 3 },
    ]);
  });

  it('ignores a missing final newline, trailing blank lines and a byte-order mark', () => {
    expect(parseCsv('\ufeffa,b\n1,2', 'f')).toEqual(parseCsv('a,b\n1,2\n\n\r\n', 'f'));
    expect(parseCsv('a,b\n1,2\n\n\n', 'f')).toHaveLength(2);
  });

  it('counts file lines across quoted line breaks and blank lines', () => {
    const records = parseCsv('a,b\n"1\n1",2\n\n3,4\n', 'f');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('keeps a quoted empty field on its own line', () => {
    expect(parseCsv('a\n""\n', 'f')).toEqual([
      { fields: ['a'], line: 1 },
      { fields: [''], line: 2 },
    ]);
  });

  it('reports an unclosed quote and text after a closing quote with the line', () => {
    expect(dataError(() => parseCsv('a,b\n1,"2\n3,4\n', 'f.csv')).message).toBe(
      'f.csv: row 2: a quoted field is never closed',
    );
    const e = dataError(() => parseCsv('a,b\n1,2\n"3"x,4\n', 'f.csv'));
    expect(e.row).toBe(3);
    expect(e.message).toContain("unexpected 'x' after a closing quote");
  });
});

describe('csvDataset', () => {
  const text = ['sepal,petal,"species"', '1.5,2,"b"', ' 3 ,4e0,a', '-5,.5,"b"', ''].join('\n');

  it('reads numeric features and maps a string target to sorted class indices', () => {
    const ds = csvDataset(text, 'f.csv', { target: 'species' });
    expect(ds.featureNames).toEqual(['sepal', 'petal']);
    expect(Array.from(ds.features)).toEqual([1.5, 2, 3, 4, -5, 0.5]);
    expect(ds.classes).toEqual(['a', 'b']);
    expect(Array.from(ds.target)).toEqual([1, 0, 1]);
    expect(ds.target).toBeInstanceOf(Int32Array);
    expect(ds.task).toBe('classification');
    expect(ds.targetName).toBe('species');
  });

  it('takes the features named, in the order named', () => {
    const ds = csvDataset(text, 'f.csv', { target: 'species', features: ['petal'] });
    expect(ds.featureNames).toEqual(['petal']);
    expect(Array.from(ds.features)).toEqual([2, 4, 0.5]);
    const both = csvDataset(text, 'f.csv', { target: 'sepal', features: ['petal'] });
    expect(both.task).toBe('regression');
  });

  it('maps onto given classes (from a checkpoint) and rejects an unknown one', () => {
    const ds = csvDataset(text, 'f.csv', { target: 'species', classes: ['b', 'a', 'c'] });
    expect(Array.from(ds.target)).toEqual([0, 1, 0]);
    expect(ds.classes).toEqual(['b', 'a', 'c']);
    const e = dataError(() => csvDataset(text, 'f.csv', { target: 'species', classes: ['b'] }));
    expect(e.message).toBe("f.csv: row 3, column 'species': 'a' is not one of the classes (b)");
  });

  it('matches numeric class names by name when classes are given', () => {
    const csv = 'x,grade\n1,2.5\n2,1.5\n';
    const ds = csvDataset(csv, 'f.csv', { target: 'grade', classes: ['1.5', '2.5'] });
    expect(ds.task).toBe('classification');
    expect(Array.from(ds.target)).toEqual([1, 0]);
    const ints = csvDataset('x,y\n1,1\n2,0\n', 'f.csv', { target: 'y', classes: ['no', 'yes'] });
    expect(Array.from(ints.target)).toEqual([1, 0]);
    expect(() => csvDataset('x,y\n1,2\n', 'f.csv', { target: 'y', classes: ['a', 'b'] })).toThrow(
      "row 2, column 'y': class index 2 is out of range for 2 classes (a, b)",
    );
  });

  it('takes non-negative integer targets as class indices named by value', () => {
    const ds = csvDataset('x,label\n1,2\n2,0\n3,2\n', 'f.csv', { target: 'label' });
    expect(ds.task).toBe('classification');
    expect(ds.classes).toEqual(['0', '1', '2']);
    expect(Array.from(ds.target)).toEqual([2, 0, 2]);
  });

  it('takes other numeric targets as regression, or integers too when asked', () => {
    const real = csvDataset('x,y\n1,2.5\n2,-1\n', 'f.csv', { target: 'y' });
    expect(real.task).toBe('regression');
    expect(real.target).toBeInstanceOf(Float32Array);
    expect(Array.from(real.target)).toEqual([2.5, -1]);
    expect(csvDataset('x,y\n1,-2\n2,3\n', 'f', { target: 'y' }).task).toBe('regression');
    const asked = csvDataset('x,y\n1,2\n2,3\n', 'f', { target: 'y', task: 'regression' });
    expect(asked.task).toBe('regression');
    expect(asked.classes).toBeNull();
  });

  it('refuses a forced task the values cannot serve, naming the row', () => {
    const e = dataError(() =>
      csvDataset('x,y\n1,2\n2,0.5\n', 'f.csv', { target: 'y', task: 'classification' }),
    );
    expect(e.message).toBe(
      "f.csv: row 3, column 'y': 0.5 is not a class index (a non-negative integer)",
    );
    const r = dataError(() => csvDataset(text, 'f.csv', { target: 'species', task: 'regression' }));
    expect(r.message).toBe("f.csv: row 2, column 'species': 'b' is not a number");
  });

  it('names file, row and column of a non-numeric cell', () => {
    const bad = 'a,petal_width,t\n1,2,x\n1,2,x\n1,abc,y\n';
    const e = dataError(() => csvDataset(bad, 'iris.csv', { target: 't' }));
    expect(e.message).toBe("iris.csv: row 4, column 'petal_width': 'abc' is not a number");
    expect([e.file, e.row, e.column]).toEqual(['iris.csv', 4, 'petal_width']);
  });

  it('rejects numbers JavaScript would accept but a CSV should not', () => {
    for (const cell of ['0x10', 'Infinity', 'NaN', '1,5', '1e400', '--1']) {
      const csv = `a,t\n"${cell}",x\n`;
      expect(() => csvDataset(csv, 'f', { target: 't' }), cell).toThrow(DataError);
    }
  });

  it('names the row of a missing cell', () => {
    const e = dataError(() => csvDataset('a,b,t\n1,2,x\n1,,x\n', 'f.csv', { target: 't' }));
    expect(e.message).toBe("f.csv: row 3, column 'b': the cell is empty");
    const t = dataError(() => csvDataset('a,t\n1,x\n2, \n', 'f.csv', { target: 't' }));
    expect(t.message).toBe("f.csv: row 3, column 't': the cell is empty");
  });

  it('names a ragged row with both field counts', () => {
    const rows = ['a,b,c,d,t', ...Array.from({ length: 15 }, () => '1,2,3,4,x'), '1,2,3,x'];
    const e = dataError(() => csvDataset(rows.join('\r\n'), 'f.csv', { target: 't' }));
    expect(e.message).toBe('f.csv: row 17 has 4 fields, the header has 5');
    expect(e.row).toBe(17);
  });

  it('lists the columns when the target or a feature is not there', () => {
    const e = dataError(() => csvDataset(text, 'f.csv', { target: 'label' }));
    expect(e.message).toBe(
      "f.csv: target column 'label' is not in the header (columns: sepal, petal, species)",
    );
    expect(e.column).toBe('label');
    expect(() => csvDataset(text, 'f.csv', { target: 'species', features: ['stem'] })).toThrow(
      "feature column 'stem' is not in the header",
    );
  });

  it('rejects duplicate and empty header names, repeated features and target as feature', () => {
    expect(dataError(() => csvDataset('a,b,a\n1,2,3\n', 'f', { target: 'b' })).message).toBe(
      "f: the header names column 'a' twice (columns 1 and 3)",
    );
    expect(() => csvDataset('a,,b\n1,2,3\n', 'f', { target: 'b' })).toThrow(
      'header column 2 has no name',
    );
    expect(() =>
      csvDataset(text, 'f', { target: 'species', features: ['sepal', 'sepal'] }),
    ).toThrow("feature column 'sepal' is listed twice");
    expect(() =>
      csvDataset(text, 'f', { target: 'species', features: ['sepal', 'species'] }),
    ).toThrow("column 'species' is the target");
    expect(() => csvDataset('t\n1\n', 'f', { target: 't' })).toThrow('no feature columns');
  });

  it('rejects an empty file and a header without rows', () => {
    expect(dataError(() => csvDataset('', 'f.csv', { target: 't' })).message).toBe(
      'f.csv: the file is empty (no header row)',
    );
    expect(() => csvDataset('\n\n', 'f.csv', { target: 't' })).toThrow('the file is empty');
    expect(() => csvDataset('a,t\n', 'f.csv', { target: 't' })).toThrow('no data rows');
  });
});

describe('loadCsv and loadCsvFeatures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-csv-'));

  it('reads a file from disk', () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'x1,x2,y\r\n1,2,no\r\n3,4,yes\r\n');
    const ds = loadCsv(path, { target: 'y' });
    expect(Array.from(ds.features)).toEqual([1, 2, 3, 4]);
    expect(ds.classes).toEqual(['no', 'yes']);
    const only = loadCsvFeatures(path, { features: ['x2'] });
    expect(Array.from(only.features)).toEqual([2, 4]);
    expect(only.rows).toBe(2);
  });

  it('names a missing file and a directory', () => {
    const missing = join(dir, 'nope.csv');
    const e = dataError(() => loadCsv(missing, { target: 'y' }));
    expect(e.message).toBe(`${missing}: file not found`);
    expect(e.file).toBe(missing);
    expect(() => loadCsv(dir, { target: 'y' })).toThrow('is a directory');
  });
});
