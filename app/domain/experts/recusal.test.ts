import { describe, expect, it } from 'vitest'
import { detectConflicts, normalizeOrgName, type EngagementFacts, type ExpertFacts } from './recusal'

const engagement: EngagementFacts = {
  id: 'ENG1',
  agencyName: '浙江求是绩效评价有限公司',
  units: [
    { id: 'U1', name: '杭州市滨江区教育局', competentDepartment: '杭州市滨江区人民政府' },
    { id: 'U2', name: '杭州市滨江区第一中学', competentDepartment: '杭州市滨江区教育局' },
  ],
}
const today = '2026-06-30'
const opts = { today, lookbackYears: 3 }

function expert(overrides: Partial<ExpertFacts> = {}): ExpertFacts {
  return { id: 'X1', employer: '浙江大学', employments: [], relations: [], ...overrides }
}

describe('normalizeOrgName', () => {
  it('ignores whitespace, width and bracket style', () => {
    const forms = [
      '杭州市（滨江区）教育局',
      ' 杭州市(滨江区)教育局 ',
      '杭州市 （滨江区） 教育局',
      '杭州市\u3000(滨江区)\t教育局',
      '杭州市〔滨江区〕教育局',
    ]
    for (const f of forms) expect(normalizeOrgName(f)).toBe('杭州市(滨江区)教育局')
  })

  it('folds full-width letters and digits and Latin case', () => {
    expect(normalizeOrgName('ＡＢＣ科技　有限公司１号')).toBe(normalizeOrgName('abc科技有限公司1号'))
  })

  it('drops zero-width characters pasted from documents', () => {
    expect(normalizeOrgName('杭州市\u200B教育局\uFEFF')).toBe('杭州市教育局')
  })

  it('keeps different names different', () => {
    expect(normalizeOrgName('杭州市教育局')).not.toBe(normalizeOrgName('杭州市滨江区教育局'))
  })
})

describe('detectConflicts: employment', () => {
  it('flags the current employer equal to an evaluated unit', () => {
    expect(detectConflicts(expert({ employer: '杭州市滨江区第一中学' }), engagement, opts)).toEqual([
      {
        expertId: 'X1',
        engagementId: 'ENG1',
        evaluatedUnitId: 'U2',
        type: 'employment',
        note: '现在「杭州市滨江区第一中学」任职（被评价单位）',
      },
    ])
  })

  it('flags an employer equal to a competent department, naming the unit', () => {
    expect(detectConflicts(expert({ employer: '杭州市滨江区人民政府' }), engagement, opts)).toEqual([
      {
        expertId: 'X1',
        engagementId: 'ENG1',
        evaluatedUnitId: 'U1',
        type: 'employment',
        note: '现在「杭州市滨江区人民政府」任职（被评价单位「杭州市滨江区教育局」的主管部门）',
      },
    ])
  })

  it('flags one organization that is both a unit and another unit’s department, once per unit', () => {
    const found = detectConflicts(expert({ employer: '杭州市滨江区教育局' }), engagement, opts)
    expect(found.map((c) => [c.type, c.evaluatedUnitId, c.note])).toEqual([
      ['employment', 'U1', '现在「杭州市滨江区教育局」任职（被评价单位）'],
      ['employment', 'U2', '现在「杭州市滨江区教育局」任职（被评价单位「杭州市滨江区第一中学」的主管部门）'],
    ])
  })

  it('notes an open-ended employment with its start month instead of repeating the employer', () => {
    const e = expert({
      employer: '杭州市滨江区教育局',
      employments: [{ organization: '杭州市滨江区教育局', fromDate: '2023-01-15', toDate: null }],
    })
    const found = detectConflicts(e, { ...engagement, units: [engagement.units[0]!] }, opts)
    expect(found).toHaveLength(1)
    expect(found[0]!.note).toBe('2023-01 至今 在「杭州市滨江区教育局」任职（被评价单位）')
  })

  it('flags a past employment ended within the lookback, boundary inclusive', () => {
    const ended = (toDate: string) =>
      expert({ employments: [{ organization: '杭州市滨江区教育局', fromDate: '2015-03-01', toDate }] })
    const u1 = { ...engagement, units: [engagement.units[0]!] }
    expect(detectConflicts(ended('2023-06-30'), u1, opts)).toEqual([
      {
        expertId: 'X1',
        engagementId: 'ENG1',
        evaluatedUnitId: 'U1',
        type: 'employment',
        note: '2015-03 至 2023-06 在「杭州市滨江区教育局」任职（被评价单位）',
      },
    ])
    expect(detectConflicts(ended('2023-06-29'), u1, opts)).toEqual([])
    expect(detectConflicts(ended('2023-06-29'), u1, { today, lookbackYears: 5 })).toHaveLength(1)
    expect(detectConflicts(ended('2026-06-29'), u1, { today, lookbackYears: 0 })).toEqual([])
    expect(detectConflicts(ended('2026-06-30'), u1, { today, lookbackYears: 0 })).toHaveLength(1)
  })

  it('counts back from 29 February to the 28th in a common year', () => {
    const e = expert({
      employments: [{ organization: '杭州市滨江区教育局', fromDate: '2010-01-01', toDate: '2025-02-28' }],
    })
    expect(detectConflicts(e, engagement, { today: '2028-02-29', lookbackYears: 3 })).toHaveLength(2)
    const earlier = expert({
      employments: [{ organization: '杭州市滨江区教育局', fromDate: '2010-01-01', toDate: '2025-02-27' }],
    })
    expect(detectConflicts(earlier, engagement, { today: '2028-02-29', lookbackYears: 3 })).toEqual([])
  })

  it('joins several reasons for the same unit into one conflict', () => {
    const e = expert({
      employer: '杭州市滨江区教育局',
      employments: [{ organization: '杭州市滨江区教育局', fromDate: '2012-09-01', toDate: '2024-12-31' }],
    })
    const found = detectConflicts(e, { ...engagement, units: [engagement.units[0]!] }, opts)
    expect(found).toHaveLength(1)
    expect(found[0]!.note).toBe(
      '现在「杭州市滨江区教育局」任职（被评价单位）；2012-09 至 2024-12 在「杭州市滨江区教育局」任职（被评价单位）',
    )
  })

  it('matches names after normalization but never by substring', () => {
    expect(detectConflicts(expert({ employer: ' 杭州市滨江区 教育局 ' }), engagement, opts)).toHaveLength(2)
    expect(detectConflicts(expert({ employer: '滨江区教育局' }), engagement, opts)).toEqual([])
    expect(detectConflicts(expert({ employer: '杭州市滨江区教育局直属学校' }), engagement, opts)).toEqual([])
  })

  it('never matches blank names', () => {
    const blankDept: EngagementFacts = {
      id: 'E',
      agencyName: '',
      units: [{ id: 'U', name: '某单位', competentDepartment: '' }],
    }
    expect(detectConflicts(expert({ employer: '' }), blankDept, opts)).toEqual([])
    expect(
      detectConflicts(
        expert({ employer: '   ', relations: [{ kind: 'relative', organization: '' }] }),
        blankDept,
        opts,
      ),
    ).toEqual([])
  })
})

describe('detectConflicts: relations', () => {
  const related = (kind: ExpertFacts['relations'][number]['kind'], organization = '杭州市滨江区第一中学') =>
    detectConflicts(expert({ relations: [{ kind, organization }] }), engagement, opts)

  it('maps each relation kind to its conflict type with a Chinese reason', () => {
    expect(related('relative').map((c) => [c.type, c.evaluatedUnitId, c.note])).toEqual([
      ['relative', 'U2', '近亲属在「杭州市滨江区第一中学」任职（被评价单位）'],
    ])
    expect(related('shareholding').map((c) => [c.type, c.note])).toEqual([
      ['financial', '持有「杭州市滨江区第一中学」股份或投资（被评价单位）'],
    ])
    expect(related('advisory').map((c) => [c.type, c.note])).toEqual([
      ['financial', '在「杭州市滨江区第一中学」担任顾问或兼职（被评价单位）'],
    ])
    expect(related('other').map((c) => [c.type, c.note])).toEqual([
      ['other', '与「杭州市滨江区第一中学」存在其他关联关系（被评价单位）'],
    ])
  })

  it('flags a relation to a competent department', () => {
    expect(related('relative', '杭州市滨江区人民政府').map((c) => [c.type, c.evaluatedUnitId])).toEqual([
      ['relative', 'U1'],
    ])
  })

  it('merges shareholding and advisory at one unit into one financial conflict', () => {
    const e = expert({
      relations: [
        { kind: 'advisory', organization: '杭州市滨江区第一中学' },
        { kind: 'shareholding', organization: '杭州市滨江区第一中学' },
      ],
    })
    const found = detectConflicts(e, engagement, opts)
    expect(found).toHaveLength(1)
    expect(found[0]!.note).toBe(
      '在「杭州市滨江区第一中学」担任顾问或兼职（被评价单位）；持有「杭州市滨江区第一中学」股份或投资（被评价单位）',
    )
  })

  it('ignores relations to unrelated organizations', () => {
    expect(related('relative', '宁波市教育局')).toEqual([])
  })
})

describe('detectConflicts: the agency', () => {
  it('flags employer, recent employment or relation with the agency as same_org without a unit', () => {
    const byEmployer = detectConflicts(expert({ employer: '浙江求是绩效评价有限公司' }), engagement, opts)
    expect(byEmployer).toEqual([
      {
        expertId: 'X1',
        engagementId: 'ENG1',
        evaluatedUnitId: null,
        type: 'same_org',
        note: '现在「浙江求是绩效评价有限公司」任职（评价机构）',
      },
    ])
    const byJob = detectConflicts(
      expert({
        employments: [
          { organization: '浙江求是绩效评价有限公司', fromDate: '2020-01-01', toDate: '2024-01-31' },
        ],
      }),
      engagement,
      opts,
    )
    expect(byJob.map((c) => [c.type, c.note])).toEqual([
      ['same_org', '2020-01 至 2024-01 在「浙江求是绩效评价有限公司」任职（评价机构）'],
    ])
    const byRelation = detectConflicts(
      expert({ relations: [{ kind: 'shareholding', organization: '浙江求是绩效评价有限公司' }] }),
      engagement,
      opts,
    )
    expect(byRelation.map((c) => [c.type, c.evaluatedUnitId, c.note])).toEqual([
      ['same_org', null, '持有「浙江求是绩效评价有限公司」股份或投资（评价机构）'],
    ])
  })

  it('ignores agency employment that ended before the lookback', () => {
    const e = expert({
      employments: [
        { organization: '浙江求是绩效评价有限公司', fromDate: '2010-01-01', toDate: '2019-12-31' },
      ],
    })
    expect(detectConflicts(e, engagement, opts)).toEqual([])
  })
})

describe('detectConflicts: order', () => {
  it('orders by conflict type, then by the engagement’s unit order', () => {
    const e = expert({
      employer: '浙江求是绩效评价有限公司',
      employments: [{ organization: '杭州市滨江区第一中学', fromDate: '2018-01-01', toDate: null }],
      relations: [
        { kind: 'other', organization: '杭州市滨江区教育局' },
        { kind: 'relative', organization: '杭州市滨江区第一中学' },
        { kind: 'advisory', organization: '杭州市滨江区人民政府' },
      ],
    })
    const found = detectConflicts(e, engagement, opts)
    expect(found.map((c) => `${c.type}:${c.evaluatedUnitId}`)).toEqual([
      'employment:U2',
      'financial:U1',
      'relative:U2',
      'same_org:null',
      'other:U1',
      'other:U2',
    ])
    const reversed = detectConflicts({ ...e, relations: [...e.relations].reverse() }, engagement, opts)
    expect(reversed.map((c) => `${c.type}:${c.evaluatedUnitId}`)).toEqual(
      found.map((c) => `${c.type}:${c.evaluatedUnitId}`),
    )
  })

  it('finds nothing for an unrelated expert', () => {
    expect(detectConflicts(expert(), engagement, opts)).toEqual([])
  })
})
