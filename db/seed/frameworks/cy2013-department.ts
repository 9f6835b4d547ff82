// 财预〔2013〕53号: the department overall spending framework (部门整体支出). Structure and indicator
// names are official; 投入 15 and 过程 40 follow a published county self-evaluation table (Yueyang),
// everything below is conventional. The 预算调整率 and “三公经费”变动率 rules follow the same table; the
// other rate rules are conventional.
import {
  evenPoints,
  indicatorBuilders,
  libraryFramework,
  MISUSE_DEDUCTION,
  misuseDeductionText,
  OFFICIAL_QUALITATIVE,
  OFFICIAL_QUALITATIVE_TEXT,
  rateOf,
  SATISFACTION_SURVEY,
} from './build'

const { l1, l2, l3 } = indicatorBuilders({ weightBasis: 'conventional', source: 'official' })

const TARGET_POINTS = [
  '符合国家法律法规、国民经济和社会发展总体规划',
  '符合部门“三定”方案确定的职责',
  '符合部门制定的中长期实施规划',
]
const INDICATOR_POINTS = [
  '将部门整体的绩效目标细化分解为具体的工作任务',
  '通过清晰、可衡量的指标值予以体现',
  '与部门年度的任务数或计划数相对应',
  '与本年度部门预算资金相匹配',
]
const BUDGET_RULE_POINTS = [
  '已制定或具有预算资金管理办法、内部财务管理制度、会计核算制度等管理制度',
  '相关管理制度合法、合规、完整',
  '相关管理制度得到有效执行',
]
const COMPLIANCE_POINTS = [
  '符合国家财经法规和财务管理制度规定以及有关专项资金管理办法的规定',
  '资金的拨付有完整的审批程序和手续',
  '项目的重大开支经过评估论证',
  '符合部门预算批复的用途',
  '不存在截留、挤占、挪用、虚列支出等情况',
]
const DISCLOSURE_POINTS = ['按规定内容公开预决算信息', '按规定时限公开预决算信息']
const BASIC_INFO_POINTS = [
  '基础数据信息和会计信息资料真实',
  '基础数据信息和会计信息资料完整',
  '基础数据信息和会计信息资料准确',
]
const ASSET_RULE_POINTS = [
  '已制定或具有资产管理制度',
  '相关资产管理制度合法、合规、完整',
  '相关资产管理制度得到有效执行',
]
const ASSET_SAFETY_POINTS = [
  '资产保存完整',
  '资产配置合理',
  '资产处置规范',
  '资产账务管理合规，账实相符',
  '资产有偿使用及处置收入及时足额上缴',
]

const BUDGET_EVIDENCE = '部门预算批复、预算调整文件、部门决算报表、国库支付记录'
const OUTCOME_EVIDENCE = '部门年度工作总结、统计数据、绩效自评报告'

/** A rate the department keeps at or below its budget: 100% or less is full marks. */
function withinBudget(
  code: string,
  name: string,
  weight: number,
  actual: string,
  planned: string,
  evidence: string,
) {
  return l3(code, name, weight, {
    explanation: `部门本年度${actual}与${planned}的比率，用以反映和考核部门对${name.replace('控制率', '')}的控制程度。`,
    ...rateOf(actual, planned),
    ruleText: `控制率≤100%得满分；超过的，得分=分值×${planned}/${actual}`,
    target: '≤100%',
    direction: 'negative',
    evidence,
  })
}

/** 职责履行: a ratio of work items, scored as 分值 × rate. */
function dutyRate(code: string, name: string, numerator: string, denominator: string, explanation: string) {
  return l3(code, name, 5, {
    explanation,
    ...rateOf(numerator, denominator),
    ruleText: `得分=分值×${name}（封顶100%）`,
    evidence: '部门年度工作计划、工作总结、重点工作台账',
  })
}

function outcome(code: string, name: string, weight: number, explanation: string) {
  return l3(code, name, weight, {
    explanation,
    rule: OFFICIAL_QUALITATIVE,
    ruleText: OFFICIAL_QUALITATIVE_TEXT,
    evidence: OUTCOME_EVIDENCE,
  })
}

export const CY2013_DEPARTMENT = libraryFramework(
  {
    code: 'cy2013-department',
    name: '部门整体支出绩效评价共性指标体系框架（2013）',
    category: 'department',
    source: '财预〔2013〕53号 附件（部门整体支出绩效评价共性指标体系框架）',
    description:
      '2013年版部门整体支出共性指标框架，一级指标为投入、过程、产出、效果，仍被广泛沿用。投入15、过程40参照县级部门自评表，其余分值为惯例默认值；该框架侧重预算管理过程，产出与效果合计45分，低于财预〔2020〕10号“原则上不低于60%”的要求，校验会给出提示，属预期情况。',
  },
  [
    l1('A', '投入', 15, [
      l2('A1', '目标设定', 6, [
        l3('A101', '绩效目标合理性', 3, {
          explanation:
            '部门（单位）所设立的整体绩效目标依据是否充分，是否符合客观实际，用以反映和考核部门整体绩效目标与部门履职、年度工作任务的相符性情况。',
          ...evenPoints(TARGET_POINTS),
          evidence: '部门“三定”方案、中长期规划、部门整体绩效目标申报表',
        }),
        l3('A102', '绩效指标明确性', 3, {
          explanation:
            '部门（单位）依据整体绩效目标所设定的绩效指标是否清晰、细化、可衡量，用以反映和考核部门整体绩效目标的明细化情况。',
          ...evenPoints(INDICATOR_POINTS),
          evidence: '部门整体绩效目标申报表、年度工作计划',
        }),
      ]),
      l2('A2', '预算配置', 9, [
        l3('A201', '在职人员控制率', 3, {
          explanation:
            '部门（单位）本年度实际在职人员数与编制数的比率，用以反映和考核部门（单位）对人员成本的控制程度。',
          ...rateOf('在职人员数', '编制数'),
          ruleText: '在职人员控制率≤100%得满分；超编的，得分=分值×编制数/在职人员数',
          target: '≤100%',
          direction: 'negative',
          evidence: '编制批复文件、人员花名册、工资发放表',
        }),
        l3('A202', '“三公经费”变动率', 3, {
          explanation:
            '部门（单位）本年度“三公经费”预算数与上年度“三公经费”预算数的变动比率，用以反映和考核部门（单位）对控制重点行政成本的努力程度。',
          formula: '（本年度“三公经费”总额 − 上年度“三公经费”总额）/ 上年度“三公经费”总额 × 100%',
          rule: ['deduction', '计数=超出百分点;每项扣分=0.5'],
          ruleText: '变动率≤0得满分；高于0的，每超出1个百分点扣0.5分，扣完为止（计数填超出百分点数）',
          unit: '%',
          target: '≤0',
          direction: 'negative',
          evidence: '本年度及上年度“三公经费”预算批复、决算报表',
        }),
        l3('A203', '重点支出安排率', 3, {
          explanation:
            '部门（单位）本年度预算安排的重点项目支出与部门项目总支出的比率，用以反映和考核部门对履行主要职责或完成重点任务的保障程度。',
          formula: '重点项目支出 / 项目总支出 × 100%',
          rule: ['formula', '分子=实际安排率;分母=目标安排率'],
          ruleText:
            '重点支出安排率达到目标值（按部门年度重点工作确定）得满分；未达到的，得分=分值×实际安排率/目标安排率',
          unit: '%',
          target: '按部门年度重点工作确定',
          evidence: '部门预算批复、重点项目清单',
        }),
      ]),
    ]),
    l1('B', '过程', 40, [
      l2('B1', '预算执行', 20, [
        l3('B101', '预算完成率', 3, {
          explanation:
            '部门（单位）本年度预算完成数与预算数的比率，用以反映和考核部门（单位）预算完成程度。预算完成数指部门本年度实际完成的预算数。',
          ...rateOf('预算完成数', '预算数'),
          ruleText: '得分=分值×预算完成率（封顶100%）',
          evidence: BUDGET_EVIDENCE,
        }),
        l3('B102', '预算调整率', 3, {
          explanation:
            '部门（单位）本年度预算调整数与预算数的比率，用以反映和考核部门（单位）预算的调整程度。预算调整数不含国家政策性调整、重大自然灾害等不可控因素引起的调整。',
          formula: '预算调整数 / 预算数 × 100%',
          rule: ['tier', '指标=预算调整率;分档=0:100,10:66.67,20:33.33,30:16.67;其余=0'],
          ruleText: '预算调整率为0得3分；≤10%得2分；≤20%得1分；≤30%得0.5分；超过30%不得分',
          unit: '%',
          target: '0',
          direction: 'negative',
          evidence: BUDGET_EVIDENCE,
        }),
        l3('B103', '支付进度率', 3, {
          explanation:
            '部门（单位）实际支付进度与既定支付进度的比率，用以反映和考核部门（单位）预算执行的及时性和均衡性程度。',
          ...rateOf('实际支付进度', '既定支付进度'),
          ruleText: '得分=分值×支付进度率（封顶100%）',
          evidence: '用款计划、国库支付进度表',
        }),
        l3('B104', '结转结余率', 3, {
          explanation:
            '部门（单位）本年度结转结余总额与支出预算数的比率，用以反映和考核部门（单位）对本年度结转结余资金的实际控制程度。',
          formula: '结转结余总额 / 预算数 × 100%',
          rule: ['tier', '指标=结转结余率;分档=5:100,10:80,20:60;其余=0'],
          ruleText: '（惯例）结转结余率≤5%得满分；≤10%得80%；≤20%得60%；超过20%不得分',
          unit: '%',
          target: '≤5%',
          direction: 'negative',
          evidence: BUDGET_EVIDENCE,
        }),
        l3('B105', '结转结余变动率', 2, {
          explanation:
            '部门（单位）本年度累计结转结余资金总额与上年度累计结转结余资金总额的变动比率，用以反映和考核部门（单位）控制结转结余资金的努力程度。',
          formula:
            '（本年度累计结转结余资金总额 − 上年度累计结转结余资金总额）/ 上年度累计结转结余资金总额 × 100%',
          rule: ['tier', '指标=结转结余变动率;分档=0:100,5:80,10:60;其余=0'],
          ruleText: '（惯例）变动率≤0得满分；≤5%得80%；≤10%得60%；超过10%不得分',
          unit: '%',
          target: '≤0',
          direction: 'negative',
          evidence: '本年度及上年度部门决算报表',
        }),
        withinBudget(
          'B106',
          '公用经费控制率',
          2,
          '实际支出公用经费总额',
          '预算安排公用经费总额',
          BUDGET_EVIDENCE,
        ),
        withinBudget(
          'B107',
          '“三公经费”控制率',
          2,
          '“三公经费”实际支出数',
          '“三公经费”预算安排数',
          '“三公经费”预算批复、决算报表、支出明细账',
        ),
        l3('B108', '政府采购执行率', 2, {
          explanation:
            '部门（单位）本年度实际政府采购金额与年初政府采购预算的比率，用以反映和考核部门（单位）政府采购预算执行情况。',
          ...rateOf('实际政府采购金额', '政府采购预算数'),
          ruleText: '得分=分值×政府采购执行率（封顶100%）',
          evidence: '政府采购预算、采购合同、采购执行台账',
        }),
      ]),
      l2('B2', '预算管理', 12, [
        l3('B201', '管理制度健全性', 3, {
          explanation:
            '部门（单位）为加强预算管理、规范财务行为而制定的管理制度是否健全完整，用以反映和考核部门（单位）预算管理制度对完成主要职责或促进事业发展的保障情况。',
          ...evenPoints(BUDGET_RULE_POINTS),
          evidence: '预算资金管理办法、内部财务管理制度、会计核算制度',
        }),
        l3('B202', '资金使用合规性', 3, {
          explanation:
            '部门（单位）使用预算资金是否符合相关的预算财务管理制度的规定，用以反映和考核部门（单位）预算资金的规范运行情况。',
          points: COMPLIANCE_POINTS,
          rule: MISUSE_DEDUCTION,
          ruleText: misuseDeductionText(5),
          evidence: '会计凭证、资金拨付审批单、审计报告',
        }),
        l3('B203', '预决算信息公开性', 3, {
          explanation:
            '部门（单位）是否按照政府信息公开有关规定公开相关预决算信息，用以反映部门（单位）预决算管理的公开透明情况。',
          ...evenPoints(DISCLOSURE_POINTS),
          evidence: '预决算公开网页截图、公开目录',
        }),
        l3('B204', '基础信息完善性', 3, {
          explanation: '部门（单位）基础信息是否完善，用以反映和考核基础信息对预算管理工作的支撑情况。',
          ...evenPoints(BASIC_INFO_POINTS),
          evidence: '基础信息表、会计账簿、资产及人员数据',
        }),
      ]),
      l2('B3', '资产管理', 8, [
        l3('B301', '管理制度健全性', 2, {
          explanation:
            '部门（单位）为加强资产管理、规范资产管理行为而制定的管理制度是否健全完整，用以反映和考核部门（单位）资产管理制度对完成主要职责或促进社会发展的保障情况。',
          ...evenPoints(ASSET_RULE_POINTS),
          evidence: '资产管理制度、资产配置及处置审批文件',
        }),
        l3('B302', '资产管理安全性', 3, {
          explanation:
            '部门（单位）的资产是否保存完整、使用合规、配置合理、处置规范、收入及时足额上缴，用以反映和考核部门（单位）资产安全运行情况。',
          ...evenPoints(ASSET_SAFETY_POINTS),
          evidence: '资产卡片、资产盘点表、处置审批文件、非税收入缴款凭证',
        }),
        l3('B303', '固定资产利用率', 3, {
          explanation:
            '部门（单位）实际在用固定资产总额与所有固定资产总额的比率，用以反映和考核部门（单位）固定资产使用效率程度。',
          ...rateOf('实际在用固定资产总额', '所有固定资产总额'),
          ruleText: '得分=分值×固定资产利用率',
          evidence: '固定资产台账、资产盘点表',
        }),
      ]),
    ]),
    l1('C', '产出', 20, [
      l2('C1', '职责履行', 20, [
        dutyRate(
          'C101',
          '实际完成率',
          '实际完成工作数',
          '计划工作数',
          '部门（单位）履行职责而实际完成工作数与计划工作数的比率，用以反映和考核部门（单位）履职工作任务目标的实现程度。',
        ),
        dutyRate(
          'C102',
          '完成及时率',
          '及时完成实际工作数',
          '计划工作数',
          '部门（单位）在规定时限内及时完成的实际工作数与计划工作数的比率，用以反映和考核部门履职时效目标的实现程度。',
        ),
        dutyRate(
          'C103',
          '质量达标率',
          '质量达标实际工作数',
          '实际工作数',
          '达到质量标准（绩效标准值）的实际工作数与计划工作数的比率，用以反映和考核部门履职质量目标的实现程度。',
        ),
        dutyRate(
          'C104',
          '重点工作办结率',
          '实际完成重点工作数',
          '交办或下达重点工作数',
          '部门（单位）年度重点工作实际完成数与交办或下达数的比率，用以反映部门对重点工作的办理落实程度。',
        ),
      ]),
    ]),
    l1('D', '效果', 25, [
      l2('D1', '履职效益', 25, [
        outcome('D101', '经济效益', 5, '部门（单位）履行职责对经济发展所带来的直接或间接影响。'),
        outcome('D102', '社会效益', 7, '部门（单位）履行职责对社会发展所带来的直接或间接影响。'),
        outcome('D103', '生态效益', 5, '部门（单位）履行职责对生态环境所带来的直接或间接影响。'),
        l3('D104', '社会公众或服务对象满意度', 8, {
          explanation: '社会公众或部门（单位）的服务对象对部门履职效果的满意程度，一般采用问卷调查。',
          ...SATISFACTION_SURVEY,
        }),
      ]),
    ]),
  ],
)
