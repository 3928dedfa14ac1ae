import { type Document, isMap, isScalar, type YAMLError, type YAMLWarning } from 'yaml';
import { Codes } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import type { SourceText } from './source-text.js';

/** Where an unclosed quoted string starts: the last such quote before the end yaml reached. */
function openingQuote(text: string, offset: number, message: string): number {
  const quote = message.includes('"') ? '"' : "'";
  const at = text.lastIndexOf(quote, Math.max(0, offset - 1));
  return at === -1 ? offset : at;
}

/** One YAML parse error or warning from the `yaml` package, in our words and codes. */
export function yamlDiagnostic(problem: YAMLError | YAMLWarning, source: SourceText): Diagnostic {
  let [start, end] = problem.pos;
  let code: string = Codes.yamlSyntax;
  let message = `YAML syntax error: ${problem.message.replace(/\.$/, '')}`;
  const severity = problem.name === 'YAMLWarning' ? 'warning' : 'error';
  switch (problem.code) {
    case 'TAB_AS_INDENT':
      code = Codes.tabIndent;
      message = 'tab used for indentation; YAML indents with spaces only';
      break;
    case 'BLOCK_AS_IMPLICIT_KEY':
      message =
        "a 'key: value' cannot be the value of another key on the same line: put it on its own indented line, or quote the value";
      break;
    case 'BAD_INDENT':
      if (/end with an? [\]}]/.test(problem.message)) {
        code = Codes.unclosed;
        message = problem.message.endsWith(']')
          ? "missing ']' to close a [...] list"
          : "missing '}' to close a {...} mapping";
        break;
      }
      code = Codes.badIndent;
      message = `bad indentation: ${problem.message.charAt(0).toLowerCase()}${problem.message.slice(1)}`;
      break;
    case 'MISSING_CHAR':
      code = Codes.unclosed;
      if (problem.message.includes('quote')) {
        start = openingQuote(source.text, start, problem.message);
        end = start + 1;
        message = 'this quoted string is never closed: add the closing quote';
      } else {
        message = `unclosed: ${problem.message.charAt(0).toLowerCase()}${problem.message.slice(1)}`;
      }
      break;
    case 'MULTIPLE_DOCS':
      code = Codes.multipleDocuments;
      message = "a spec file holds one YAML document: remove this '---' and what follows it";
      break;
    case 'RESOURCE_EXHAUSTION':
      code = Codes.tooDeep;
      message = 'the YAML nests too deeply to be read';
      break;
    case 'BAD_ALIAS':
      code = Codes.unknownAlias;
      message = `bad alias: ${problem.message}`;
      break;
    case 'TAG_RESOLVE_FAILED':
      code = Codes.yamlWarning;
      message = `unknown YAML tag ignored: ${problem.message.replace(/^Unresolved tag: /, '')} (the value is read as if untagged)`;
      break;
    default:
      if (severity === 'warning') {
        code = Codes.yamlWarning;
        message = `YAML: ${problem.message.replace(/\.$/, '')}`;
      }
  }
  return {
    ...source.span(start, end),
    code,
    severity,
    message,
    path: '',
  };
}

/** The top-level node's kind in words, for "must be a mapping, found ...". */
export function topLevelKind(doc: Document): string {
  const contents = doc.contents;
  if (isMap(contents)) return 'a mapping';
  if (isScalar(contents)) return `the value '${String(contents.value)}'`;
  return 'a list';
}
