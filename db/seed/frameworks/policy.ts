// 政策评价: no national framework exists; this is the common practice layout (REFERENCE §2.3) under
// 中发〔2018〕34号's call to evaluate major policies over their whole cycle. Satisfaction sits under
// 政策效益, as 满意度 does under 效益 in the 2020 project framework.
import {
  evenPoints,
  indicatorBuilders,
  type LeafDetails,
  libraryFramework,
  misuseDeductionText,
  OFFICIAL_QUALITATIVE,
  OFFICIAL_QUALITATIVE_TEXT,
  rateOf,
  SATISFACTION_SURVEY,
} from './build'

const { l1, l2, l3 } = indicatorBuilders({ weightBasis: 'conventional', source: 'conventional' })

const NECESSITY_POINTS = [
  '政策针对的问题和需求明确',
  '属于公共财政支持范围，市场无法有效解决',
  '不出台或不延续将造成明显不利影响',
]
const CONSISTENCY_POINTS = ['符合上级政策和党委政府决策部署', '与同级相关政策不冲突、不重复']
const TARGET_GROUP_POINTS = ['受益对象界定清楚', '准入条件和认定程序明确、公平']
const STANDARD_POINTS = ['补助标准有测算依据', '与同类政策或周边地区标准相当', '支持方式与政策目标相适应']
const GOAL_POINTS = ['政策目标明确', '目标细化为可衡量的绩效指标', '指标值依据充分']
const ALLOCATION_POINTS = [
  '分配方式（因素法、项目法等）与政策目标相适应',
  '分配因素和权重合理',
  '分配结果按规定公开',
]
const SUPPORTING_RULE_POINTS = ['有配套管理办法或实施细则', '申报、审核、兑付流程清晰', '部门职责分工明确']
const SUPERVISION_POINTS = ['建立了监督检查机制并有效开展', '对发现的问题及时整改', '开展了绩效监控']

const qualitative = (details: Omit<LeafDetails, 'rule' | 'ruleText'>): LeafDetails => ({
  ...details,
  rule: OFFICIAL_QUALITATIVE,
  ruleText: OFFICIAL_QUALITATIVE_TEXT,
})

export const POLICY_COMMON = libraryFramework(
  {
    code: 'policy-common',
    name: '政策评价共性指标体系',
    category: 'policy',
    source: '中发〔2018〕34号（政策全周期评价）；各地政策评价实践（惯例）',
    description:
      '对已出台政策（含专项资金政策）开展评价时使用的共性框架，一级指标为政策制定、政策实施、政策产出、政策效益，满意度列在政策效益下。指标和分值均为惯例设置，政策产出与政策效益合计65分。',
  },
  [
    l1('A', '政策制定', 15, [
      l2('A1', '政策设立', 6, [
        l3('A101', '政策必要性', 3, {
          explanation: '政策设立或延续是否有明确的问题导向和现实需求。',
          ...evenPoints(NECESSITY_POINTS),
          evidence: '政策文件、起草说明、调研报告',
        }),
        l3('A102', '与上级政策一致性', 3, {
          explanation: '政策是否与上级政策和相关政策衔接一致。',
          ...evenPoints(CONSISTENCY_POINTS),
          evidence: '上级政策文件、同级相关政策文件',
        }),
      ]),
      l2('A2', '政策设计', 9, [
        l3('A201', '目标群体明确性', 3, {
          explanation: '政策受益对象、支持范围是否界定清楚。',
          ...evenPoints(TARGET_GROUP_POINTS),
          evidence: '政策文件、实施细则、申报指南',
        }),
        l3('A202', '标准合理性', 3, {
          explanation: '补助或支持标准是否有依据、与政策目标相适应。',
          ...evenPoints(STANDARD_POINTS),
          evidence: '标准测算说明、同类政策对比资料',
        }),
        l3('A203', '绩效目标合理性', 3, {
          explanation: '政策绩效目标是否明确、细化、可衡量。',
          ...evenPoints(GOAL_POINTS),
          evidence: '政策绩效目标表',
        }),
      ]),
    ]),
    l1('B', '政策实施', 20, [
      l2('B1', '资金管理', 12, [
        l3('B101', '资金到位率', 4, {
          explanation: '政策资金实际到位数与应到位数的比率。',
          ...rateOf('实际到位资金', '应到位资金'),
          ruleText: '得分=分值×资金到位率（封顶100%）',
          evidence: '资金下达文件、到账凭证',
        }),
        l3('B102', '资金分配合理性', 4, {
          explanation: '政策资金分配方式和结果是否科学、公平、公开。',
          ...evenPoints(ALLOCATION_POINTS),
          evidence: '资金分配方案、分配因素测算表、公示材料',
        }),
        l3('B103', '资金使用合规性', 4, {
          explanation: '政策资金的拨付和使用是否符合财经法规和政策规定的用途。',
          points: [
            '符合财经法规和专项资金管理办法',
            '拨付程序和手续完整',
            '按政策规定的用途和标准使用',
            '不存在截留、挤占、挪用、虚列支出、套取骗取等情况',
          ],
          rule: ['deduction', '计数=不合规事项;每项扣分=1;否决=存在截留、挤占、挪用、套取骗取资金'],
          ruleText: misuseDeductionText(4),
          evidence: '会计凭证、资金兑付清单、审计或检查报告',
        }),
      ]),
      l2('B2', '实施管理', 8, [
        l3('B201', '配套制度健全性', 4, {
          explanation: '政策实施的配套制度、操作流程是否健全。',
          ...evenPoints(SUPPORTING_RULE_POINTS),
          evidence: '管理办法、实施细则、操作规程',
        }),
        l3('B202', '监督管理有效性', 4, {
          explanation: '政策实施过程中的监督检查和绩效监控是否到位。',
          ...evenPoints(SUPERVISION_POINTS),
          evidence: '监督检查记录、整改报告、绩效监控表',
        }),
      ]),
    ]),
    l1('C', '政策产出', 30, [
      l2('C1', '产出数量', 10, [
        l3('C101', '政策任务完成率', 10, {
          explanation: '政策确定的各项任务实际完成数与计划数的比率。',
          ...rateOf('实际完成数', '计划完成数'),
          ruleText: '得分=分值×完成率（封顶100%）；有多项任务的按子指标分值加权',
          evidence: '政策绩效目标表、工作台账、统计报表',
        }),
      ]),
      l2('C2', '产出质量', 12, [
        l3('C201', '受益对象精准率', 6, {
          explanation: '符合政策条件的受益对象数与实际受益对象数的比率，反映政策执行的精准程度。',
          ...rateOf('符合条件的受益对象数', '实际受益对象数'),
          ruleText: '得分=分值×精准率；发现不符合条件对象的，据实扣减',
          evidence: '受益对象名册、抽查核实记录',
        }),
        l3('C202', '质量达标率', 6, {
          explanation: '政策支持的事项中达到质量标准的比率。',
          ...rateOf('质量达标数', '实际完成数'),
          ruleText: '得分=分值×质量达标率',
          evidence: '验收报告、质量检查记录',
        }),
      ]),
      l2('C3', '产出时效', 8, [
        l3('C301', '资金兑付及时率', 8, {
          explanation: '在规定时限内兑付的资金与应兑付资金的比率。',
          ...rateOf('按时兑付资金', '应兑付资金'),
          ruleText: '得分=分值×兑付及时率（封顶100%）',
          evidence: '兑付清单、支付凭证、政策规定的兑付时限',
        }),
      ]),
    ]),
    l1('D', '政策效益', 35, [
      l2('D1', '政策效果', 20, [
        l3(
          'D101',
          '政策目标实现程度',
          15,
          qualitative({
            explanation: '政策实施后预定的经济、社会、生态等效益目标的实现程度，按政策目标表细化为具体指标。',
            points: ['经济效益', '社会效益', '生态效益'],
            evidence: '政策绩效目标表、统计数据、监测报告',
          }),
        ),
        l3(
          'D102',
          '受益公平性',
          5,
          qualitative({
            explanation: '政策受益在地区、群体之间的分布是否公平，是否存在应享未享或重复享受。',
            evidence: '受益对象名册、地区分布统计、抽查记录',
          }),
        ),
      ]),
      l2('D2', '可持续与影响', 7, [
        l3(
          'D201',
          '政策可持续性',
          4,
          qualitative({
            explanation: '政策效果能否持续发挥，财政是否可持续承受，是否建立长效机制。',
            evidence: '中期财政规划、政策评估报告',
          }),
        ),
        l3(
          'D202',
          '非预期影响',
          3,
          qualitative({
            explanation: '政策实施是否产生挤出效应、市场扭曲等非预期的负面影响；负面影响越小越好。',
            evidence: '调研报告、访谈记录、相关统计数据',
          }),
        ),
      ]),
      l2('D3', '满意度', 8, [
        l3('D301', '受益对象满意度', 8, {
          explanation: '政策受益对象和社会公众对政策实施效果的满意程度，一般采用问卷调查。',
          ...SATISFACTION_SURVEY,
        }),
      ]),
    ]),
  ],
)
