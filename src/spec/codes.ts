/**
 * Diagnostic codes of src/spec, each documented in docs/errors.md with an example and the fix.
 * MS0xx: the file and its YAML; MS1xx: structure (the JSON Schema).
 * MS2xx-MS3xx belong to src/compiler (names, cycles, expressions, shapes).
 * MS101 is not used: the design's first example used it, and it must not change meaning.
 */
export const Codes = {
  fileNotFound: 'MS001',
  isDirectory: 'MS002',
  notUtf8: 'MS003',
  fileTooLarge: 'MS004',
  unreadable: 'MS005',
  tooManyErrors: 'MS006',
  yamlSyntax: 'MS010',
  tabIndent: 'MS011',
  badIndent: 'MS012',
  unclosed: 'MS013',
  duplicateKey: 'MS014',
  tooManyAliases: 'MS015',
  tooDeep: 'MS016',
  multipleDocuments: 'MS017',
  empty: 'MS018',
  notAMapping: 'MS019',
  unknownAlias: 'MS020',
  yamlWarning: 'MS021',
  collectionKey: 'MS022',
  missingField: 'MS110',
  unknownField: 'MS111',
  wrongType: 'MS112',
  notAllowedValue: 'MS113',
  outOfRange: 'MS114',
  badName: 'MS115',
  badList: 'MS116',
  wrongKeyCount: 'MS117',
  conflictingFields: 'MS118',
  unsupportedVersion: 'MS119',
  emptyString: 'MS120',
  otherSchema: 'MS199',
} as const;
