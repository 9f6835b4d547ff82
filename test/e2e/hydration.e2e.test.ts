// Every page, opened in a real browser by the accounts that use it, renders and hydrates without a
// client error. A constant imported from a *.server module into a page's render, for one, is
// dropped from the client bundle and breaks hydration: only the browser shows that.
import { and, eq, isNull } from 'drizzle-orm'

import { expect, test } from 'vitest'
import { engagements, experts, frameworks, frameworkVersions } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { DEMO_SHEET_ENGAGEMENT } from '../../db/seed/demo-sheets'
import { browserSuite } from '../helpers/browser'

const suite = browserSuite()

function pagesFor(): Record<string, string[]> {
  const e = suite.db.select().from(engagements).where(eq(engagements.name, DEMO_SHEET_ENGAGEMENT)).get()!
  const f = suite.db.select().from(frameworks).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  const v = suite.db.select().from(frameworkVersions).where(eq(frameworkVersions.frameworkId, f.id)).get()!
  const expert = suite.db.select().from(experts).where(and(eq(experts.status, 'active'), isNull(experts.userId))).get()!
  const monitoring = suite.db.select().from(engagements).where(eq(engagements.kind, 'monitoring')).get()!
  return {
    'mingjian.admin': [
      '/dashboard',
      '/engagements',
      `/engagements/${e.id}`,
      `/engagements/${e.id}/sheet`,
      `/engagements/${e.id}/sheet/edit`,
      `/engagements/${e.id}/panel`,
      `/engagements/${e.id}/data`,
      `/engagements/${e.id}/papers`,
      `/engagements/${e.id}/surveys`,
      `/engagements/${e.id}/requests`,
      `/engagements/${e.id}/feedback`,
      `/engagements/${e.id}/reports`,
      `/engagements/${e.id}/reports/plan`,
      `/engagements/${e.id}/reports/evaluation`,
      `/engagements/${monitoring.id}/monitoring`,
      '/verify',
      '/frameworks',
      `/frameworks/${f.id}`,
      `/frameworks/${f.id}/versions/${v.id}?try=B102&run=1&numerator=95&denominator=100`,
      '/frameworks/import',
      '/experts',
      `/experts/${expert.id}`,
      '/users',
      '/audit',
      '/account',
      '/credit?type=practitioner',
      `/credit/${expert.id}`,
    ],
    admin: ['/experts/new', '/experts/specialties', '/experts/import', '/admin/organizations', '/admin/users'],
    'binjiang.finance': [
      '/fee-rates',
      `/engagements/${e.id}/panel`,
      `/engagements/${e.id}/sheet`,
      `/engagements/${e.id}/rectification`,
      `/engagements/${monitoring.id}/monitoring`,
      '/review',
      '/bureau',
      '/bureau/results',
      '/bureau/rectification',
      '/bureau/disclosure',
      '/bureau/quality-settings',
      '/bureau/credit-policy',
      '/credit',
      `/credit/${e.agencyId}`,
    ],
    'unit.edu': ['/unit/rectification', '/unit/requests', '/unit/feedback'],
    'expert.zhang': ['/expert', '/credit'],
  }
}

test('pages hydrate without client errors for the accounts that use them', async () => {
  const problems: string[] = []
  for (const [username, paths] of Object.entries(pagesFor())) {
    const context = await suite.browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    let current = ''
    page.on('pageerror', (error) => problems.push(`${username} ${current}: ${error.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${username} ${current}: ${m.text().slice(0, 200)}`)
    })
    try {
      await page.goto(`${suite.server.url}/login`)
      await page.fill('#f-username', username)
      await page.fill('#f-password', DEMO_PASSWORD)
      await page.click('button[type=submit]')
      await page.waitForURL(/\/dashboard$/)
      for (const path of paths) {
        current = path
        const res = await page.goto(suite.server.url + path)
        if (res?.status() !== 200) problems.push(`${username} ${path}: HTTP ${res?.status()}`)
        // Hydration is done once React has attached: wait for the network to settle.
        await page.waitForLoadState('networkidle')
      }
    } finally {
      await context.close()
    }
  }
  expect(problems).toEqual([])
})
