import { DataError } from './errors.js';

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** One record of a CSV file and the 1-based line on which it starts. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Splits CSV text into records (RFC 4180 with the usual leniency): fields separated by commas,
 * records by LF, CRLF or a lone CR; a field in double quotes may hold commas, line breaks and
 * `""` for one quote. A leading byte-order mark is dropped. Blank lines are skipped wherever they
 * are, so a trailing newline or trailing blank lines change nothing. Lines are counted in the
 * file as written, so a record's `line` is what an editor shows even after a quoted line break.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;

  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let quoted = false;
    let recordDone = false;
    while (!recordDone) {
      let field = '';
      if (text[i] === '"') {
        quoted = true;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) {
            throw new DataError(`row ${quoteLine}: a quoted field is never closed`, {
              file,
              row: quoteLine,
            });
          }
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
          field += c;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new DataError(
            `row ${line}: unexpected '${text[i]}' after a closing quote (a quote inside a quoted field is written "")`,
            { file, row: line },
          );
        }
      } else {
        const from = i;
        for (let c = text.charCodeAt(i); i < n && c !== COMMA && c !== LF && c !== CR; ) {
          c = text.charCodeAt(++i);
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      if (i >= n) {
        recordDone = true;
      } else if (text[i] === ',') {
        i++;
      } else {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        recordDone = true;
      }
    }
    const blank = fields.length === 1 && fields[0] === '' && !quoted;
    if (!blank) records.push({ fields, line: start });
  }
  return records;
}
