// The tree editor's posted fields, shared by the editor component and its server-side parser.
export const EDITOR_ROW_FIELDS = [
  'level',
  'code',
  'name',
  'weight',
  'weightBasis',
  'source',
  'explanation',
  'points',
  'formula',
  'ruleType',
  'ruleParams',
  'ruleText',
  'unit',
  'target',
  'direction',
  'evidence',
] as const
export type EditorField = (typeof EDITOR_ROW_FIELDS)[number]
