import { describe, expect, it } from 'vitest'
import {
  CONFLICT_SOURCES,
  CONFLICT_TYPE_CODES,
  CONFLICT_TYPES,
  DEFAULT_SPECIALTIES,
  EXPERT_STATUS_CODES,
  labelOf,
  RELATION_KINDS,
  TITLE_CODES,
  TITLES,
} from './vocab'

describe('expert vocabularies', () => {
  it('lists titles, statuses and conflict types in their documented order', () => {
    expect(TITLE_CODES).toEqual(['senior', 'associate', 'intermediate', 'other'])
    expect(EXPERT_STATUS_CODES).toEqual(['active', 'suspended', 'retired'])
    expect(CONFLICT_TYPE_CODES).toEqual([
      'employment',
      'participation',
      'financial',
      'relative',
      'same_org',
      'other',
    ])
  })

  it('labels codes in Chinese and falls back to the code', () => {
    expect(labelOf(TITLES, 'associate')).toBe('副高级')
    expect(labelOf(CONFLICT_TYPES, 'same_org')).toBe('与评价机构关联')
    expect(labelOf(CONFLICT_SOURCES, 'admin')).toBe('管理员设定')
    expect(labelOf(RELATION_KINDS, 'shareholding')).toBe('持股或投资')
    expect(labelOf(DEFAULT_SPECIALTIES, 'unknown')).toBe('unknown')
  })

  it('gives every conflict type a hint', () => {
    for (const t of CONFLICT_TYPES) expect(t.hint.length).toBeGreaterThan(5)
  })

  it('seeds the sixteen specialties with unique codes and labels', () => {
    expect(DEFAULT_SPECIALTIES.map((s) => s.label)).toEqual([
      '财务',
      '审计',
      '经济',
      '法律',
      '工程',
      '信息化',
      '教育',
      '卫生健康',
      '农业农村',
      '交通运输',
      '科技',
      '社会保障',
      '生态环境',
      '文化旅游',
      '政策研究',
      '管理',
    ])
    expect(new Set(DEFAULT_SPECIALTIES.map((s) => s.code)).size).toBe(16)
    for (const s of DEFAULT_SPECIALTIES) expect(s.code).toMatch(/^[a-z_]+$/)
  })
})
