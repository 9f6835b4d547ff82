export const ROLES = [
  { code: 'system_admin', label: '系统管理员' },
  { code: 'agency_admin', label: '机构管理员' },
  { code: 'evaluator', label: '评价人员' },
  { code: 'expert', label: '评审专家' },
  { code: 'finance_reviewer', label: '财政审核人员' },
  { code: 'unit_contact', label: '被评价单位联系人' },
] as const
export type Role = (typeof ROLES)[number]['code']
export const ROLE_CODES = ROLES.map((r) => r.code) as [Role, ...Role[]]

export function roleLabel(code: string): string {
  return ROLES.find((r) => r.code === code)?.label ?? code
}

export const ORG_KINDS = [
  { code: 'agency', label: '第三方评价机构' },
  { code: 'finance_bureau', label: '财政局' },
] as const
export type OrgKind = (typeof ORG_KINDS)[number]['code']
export const ORG_KIND_CODES = ORG_KINDS.map((k) => k.code) as [OrgKind, ...OrgKind[]]

export function orgKindLabel(code: string): string {
  return ORG_KINDS.find((k) => k.code === code)?.label ?? code
}

/** Which roles belong to which kind of organization (null: users without a tenant). */
export const ROLES_BY_ORG_KIND: Record<OrgKind, Role[]> = {
  agency: ['agency_admin', 'evaluator'],
  finance_bureau: ['finance_reviewer'],
}
export const ROLES_WITHOUT_ORG: Role[] = ['system_admin', 'expert', 'unit_contact']
