// The seeded indicator library (指标库): every framework the app ships, in the order the library lists
// them. The database loader matches them by `code`, so codes never change once released.
import { CY2013_DEPARTMENT } from './cy2013-department'
import { CY2013_PROJECT } from './cy2013-project'
import { CY2020_PROJECT } from './cy2020-project'
import { EX_ANTE_POLICY, EX_ANTE_PROJECT } from './ex-ante'
import { POLICY_COMMON } from './policy'
import { SECTOR_SETS } from './sectors'
import { SELF_EVAL_2020, SELF_EVAL_2021_COST } from './self-evaluation'
import type { LibraryFramework } from './build'

export type { LibraryFramework } from './build'

export const LIBRARY_FRAMEWORKS: readonly LibraryFramework[] = [
  CY2020_PROJECT,
  CY2013_PROJECT,
  CY2013_DEPARTMENT,
  EX_ANTE_PROJECT,
  EX_ANTE_POLICY,
  SELF_EVAL_2020,
  SELF_EVAL_2021_COST,
  POLICY_COMMON,
  ...SECTOR_SETS,
]
