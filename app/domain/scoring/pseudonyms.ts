// Experts as reports and the lead's pages name them when names are hidden: 专家A … 专家Z, then
// 专家A1 …, by position. One definition, so a consolidation and a report built from it agree.
export function expertPseudonym(index: number): string {
  return `专家${String.fromCharCode(65 + (index % 26))}${index >= 26 ? Math.floor(index / 26) : ''}`
}
