// The database behind `bench/scoring-http.ts`: the demo, plus many engagements each with a small
// panel of accepted, certified experts (all distinct accounts) and an open scoring round on a
// frozen sheet, built through the same services the pages call. Written before the server starts.
import { eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.server'
import { migrateDatabase, openDatabase } from '../db/client.server'
import { experts, expertSpecialties, frameworks, frameworkVersions, organizations, users } from '../db/schema'
import { ensureLibrary } from '../db/seed/library'
import { seedDemo } from '../db/seed/demo'
import { hashPassword } from '../app/auth/password.server'
import type { Actor } from '../app/domain/permissions'
import { newId } from '../app/ids.server'
import { findPanel, listSeats } from '../app/models/panel.server'
import { createEngagement } from '../app/services/engagement.server'
import { ensureSpecialties } from '../app/services/expert-pool.server'
import { certify, drawPanel, respondToInvitation, savePanel } from '../app/services/panel.server'
import { expertScoringPage, startScoring } from '../app/services/scoring.server'
import { startSheet } from '../app/services/sheet.server'
import { actorOf, form } from '../test/helpers/panel-fixture'

export const BENCH_EXPERT_PASSWORD = 'Bench-expert-password-1'

export type Leaf = { code: string; weight: number }
export type BenchSeat = { username: string; seatId: string; engagementId: string; leaves: Leaf[] }

type FixtureOptions = { file: string; engagements: number; panelSize: number; at: Date }

/** Expert accounts with a (cheap, test-cost) password, all suspended until their engagement's draw. */
async function addExperts(
  db: Db,
  count: number,
  at: Date,
): Promise<{ expertId: string; username: string }[]> {
  const passwordHash = await hashPassword(BENCH_EXPERT_PASSWORD)
  const iso = at.toISOString()
  const out: { expertId: string; username: string }[] = []
  db.transaction((tx) => {
    for (let i = 0; i < count; i++) {
      const userId = newId()
      const expertId = newId()
      const username = `bench.expert${i}`
      tx.insert(users)
        .values({
          id: userId,
          username,
          displayName: `基准专家${i + 1}`,
          role: 'expert',
          passwordHash,
          createdAt: iso,
          updatedAt: iso,
        })
        .run()
      tx.insert(experts)
        .values({
          id: expertId,
          userId,
          name: `基准专家${i + 1}`,
          employer: '某高校',
          title: 'associate',
          status: 'suspended',
          createdAt: iso,
          updatedAt: iso,
        })
        .run()
      tx.insert(expertSpecialties).values({ expertId, specialtyCode: 'finance' }).run()
      out.push({ expertId, username })
    }
  })
  return out
}

function must<T>(label: string, result: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!result.ok) throw new Error(`${label}: ${JSON.stringify(result.errors)}`)
  return result.value
}

/**
 * Builds the file: demo seed, then per engagement a sheet from the national project framework, a
 * panel whose draw can only pick that engagement's own experts (everyone else is suspended while
 * it draws), every seat accepted and certified, and scoring opened (which freezes the sheet).
 */
export async function buildScoringFixture(opts: FixtureOptions): Promise<BenchSeat[]> {
  const db = openDatabase(opts.file)
  try {
    migrateDatabase(db)
    ensureLibrary(db, opts.at)
    ensureSpecialties(db, opts.at)
    await seedDemo(db, opts.at)
    db.update(experts).set({ status: 'suspended' }).run()
    const pool = await addExperts(db, opts.engagements * opts.panelSize, opts.at)
    const admin = actorOf(db, 'mingjian.admin')
    const lead = actorOf(db, 'mingjian.zhao')
    const bureau = db.select().from(organizations).where(eq(organizations.name, '杭州市滨江区财政局')).get()!
    const framework = db
      .select({ id: frameworkVersions.id })
      .from(frameworkVersions)
      .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
      .where(eq(frameworks.libraryCode, 'cy2020-project'))
      .get()!
    const seats: BenchSeat[] = []
    for (let k = 0; k < opts.engagements; k++) {
      const own = pool.slice(k * opts.panelSize, (k + 1) * opts.panelSize)
      const engagementId = must(
        'engagement',
        createEngagement(
          db,
          admin,
          {
            name: `2026年基准评分项目第${k + 1}号支出绩效评价`,
            year: 2026,
            kind: 'project',
            budgetType: 'general_public',
            financeBureauId: bureau.id,
            fundsFen: 500_000_000,
            periodStart: '2025-01-01',
            periodEnd: '2025-12-31',
            contractNo: `BENCH-${k + 1}`,
            leadUserId: lead.userId,
            memberIds: [],
            units: [{ name: `基准被评价单位${k + 1}`, competentDepartment: '杭州市滨江区财政局' }],
          },
          opts.at,
        ),
      ).id
      must('sheet', startSheet(db, lead, engagementId, form({ frameworkVersionId: framework.id }), opts.at))
      must(
        'panel',
        savePanel(
          db,
          lead,
          engagementId,
          form({
            size: String(opts.panelSize),
            reserveCount: '0',
            reviewDate: '2026-06-10',
            reviewDays: '1',
            maxDrawsPerYear: '6',
            lookbackYears: '3',
            replyHours: '48',
          }),
          opts.at,
        ),
      )
      const ownIds = own.map((e) => e.expertId)
      db.update(experts).set({ status: 'active' }).where(inArray(experts.id, ownIds)).run()
      must(
        'draw',
        drawPanel(
          db,
          lead,
          engagementId,
          form({ version: String(findPanel(db, engagementId)!.version) }),
          opts.at,
          new Uint8Array(32).fill(k + 1),
        ),
      )
      db.update(experts).set({ status: 'suspended' }).where(inArray(experts.id, ownIds)).run()
      const byExpert = new Map(own.map((e) => [e.expertId, e.username]))
      const drawn: { seatId: string; username: string; actor: Actor }[] = []
      for (const s of listSeats(db, findPanel(db, engagementId)!.id)) {
        const username = byExpert.get(s.expertId)
        if (!username) throw new Error(`draw seated an expert outside engagement ${k + 1}'s own`)
        const actor = actorOf(db, username)
        must(
          'accept',
          respondToInvitation(
            db,
            actor,
            s.id,
            form({ decision: 'accept', version: String(s.version) }),
            opts.at,
          ),
        )
        must('certify', certify(db, actor, s.id, form({ agree: 'on' }), '127.0.0.1', opts.at))
        drawn.push({ seatId: s.id, username, actor })
      }
      must(
        'scoring',
        startScoring(db, lead, engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), opts.at),
      )
      for (const d of drawn) {
        const page = expertScoringPage(db, d.actor, d.seatId, opts.at)
        if (!page) throw new Error(`${d.username} cannot open their scoring page`)
        const leaves = page.items.map((i) => ({ code: i.node.code, weight: i.node.weight }))
        seats.push({ username: d.username, seatId: d.seatId, engagementId, leaves })
      }
    }
    // Back to the pool: suspension only steered the draws.
    db.update(experts)
      .set({ status: 'active' })
      .where(
        inArray(
          experts.id,
          pool.map((e) => e.expertId),
        ),
      )
      .run()
    db.$client.exec('ANALYZE')
    return seats
  } finally {
    db.$client.close()
  }
}
