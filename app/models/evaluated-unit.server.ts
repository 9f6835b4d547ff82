import { and, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { evaluatedUnits } from '../../db/schema'
import { newId } from '../ids.server'

export type EvaluatedUnitRow = typeof evaluatedUnits.$inferSelect

/**
 * The unit under this bureau with exactly this name and competent department, created if new.
 * Units belong to a bureau's jurisdiction, so the same name under another bureau is another unit.
 */
export function findOrCreateEvaluatedUnit(
  tx: Db | Tx,
  input: { financeBureauId: string; name: string; competentDepartment: string },
  at: Date,
): { row: EvaluatedUnitRow; created: boolean } {
  const existing = tx
    .select()
    .from(evaluatedUnits)
    .where(
      and(
        eq(evaluatedUnits.financeBureauId, input.financeBureauId),
        eq(evaluatedUnits.name, input.name),
        eq(evaluatedUnits.competentDepartment, input.competentDepartment),
      ),
    )
    .get()
  if (existing) return { row: existing, created: false }
  const row: EvaluatedUnitRow = {
    id: newId(),
    financeBureauId: input.financeBureauId,
    name: input.name,
    competentDepartment: input.competentDepartment,
    createdAt: at.toISOString(),
  }
  tx.insert(evaluatedUnits).values(row).run()
  return { row, created: true }
}
