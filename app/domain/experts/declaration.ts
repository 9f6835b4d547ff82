// The conflict-of-interest and confidentiality declaration (回避与保密承诺书) an expert signs before
// seeing any material. A signature covers one text version and one set of facts; when either
// changes the expert signs again.

import stableStringify from 'fast-json-stable-stringify'
import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils'
import type { Employment } from './recusal'

/** Bump with any change to DECLARATION_TEXT: everyone who signed an older text signs again. */
export const DECLARATION_VERSION = 'v1-2026'

export const DECLARATION_TEXT = `评审专家回避与保密承诺书

本人受邀担任本次预算绩效评价的评审专家，现郑重承诺：

一、本人与本次评价的被评价单位、其主管部门及评价机构之间不存在下列情形：现在或近三年内在上述单位任职；参与本项目的申报、设计、事前评审或实施；与上述单位存在持股、投资、顾问、兼职等经济利益关系；近亲属在上述单位任领导职务；与评价机构存在影响独立性的关系；其他可能影响公正评价的情形。

二、评审期间如发现或发生上述任一情形，本人将立即如实申报并主动回避，不再参与评分。

三、本人将依据评价方案、指标体系和评分标准，独立、客观、公正地评分，如实填写评分理由，不受任何单位或个人的干预。

四、本人对评价中接触的资料、数据、评分结果、专家组意见及专家组成员名单严格保密，不以任何方式向他人透露，不复制、不留存、不擅自使用。

五、本人不私下接触被评价单位及相关利害关系人，不收受任何单位或个人的财物、宴请或其他不正当利益。

六、本人不向任何单位或个人透露或暗示个人评分意向，不诱导其他专家的评分。

七、评审结束后，本人将按要求交还或删除全部评价资料。

八、如违反上述承诺，本人愿意承担相应责任，接受暂停或取消专家资格、记入信用记录等处理。`

function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}

/** SHA-256 hex of the declaration text as signed (the current text by default). */
export function declarationTextHash(text: string = DECLARATION_TEXT): string {
  return sha256Hex(text)
}

export type DeclarationFacts = {
  engagementId: string
  unitIds: string[]
  sheetVersionId: string | null
  employments: Employment[]
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * SHA-256 hex of the canonical JSON of the facts a declaration covers; the order units and
 * employments arrive in does not matter.
 */
export function factsFingerprint(facts: DeclarationFacts): string {
  const employments = facts.employments
    .map((e) => ({ organization: e.organization, fromDate: e.fromDate, toDate: e.toDate }))
    .sort(
      (a, b) =>
        compareText(a.organization, b.organization) ||
        compareText(a.fromDate, b.fromDate) ||
        compareText(a.toDate ?? '', b.toDate ?? ''),
    )
  const unitIds = [...facts.unitIds].sort(compareText)
  return sha256Hex(
    stableStringify({
      engagementId: facts.engagementId,
      unitIds,
      sheetVersionId: facts.sheetVersionId,
      employments,
    }),
  )
}

/** True when the expert has never signed, signed an older text, or the facts changed since. */
export function needsRecertification(
  last: { textVersion: string; factsHash: string } | null,
  currentFactsHash: string,
): boolean {
  return last === null || last.textVersion !== DECLARATION_VERSION || last.factsHash !== currentFactsHash
}
