// `npm test` runs the short variant of the reliability tests (SECURITY.md §12); `npm run test:long`
// sets EVALDESK_TEST_LONG=1 and the same tests run with the counts the issue asks for (1,000 fuzz
// runs per action, 200 kills per crash scenario, …). One switch, read in one place.
export const LONG_RUN = process.env.EVALDESK_TEST_LONG === '1'

/** The count for this run: `short` under `npm test`, `long` under `npm run test:long`. */
export function runCount(short: number, long: number): number {
  return LONG_RUN ? long : short
}
