// 财预〔2013〕53号: the older project framework (投入/过程/产出/效果). Some bureaus still score with it,
// so it ships beside the 2020 one. Weights 20/20/30/30 and below are conventional.
import {
  COST_SAVING,
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

const APPROVAL_POINTS = [
  '项目按照规定的程序申请设立',
  '所提交的文件、材料符合相关要求',
  '事前已经过必要的可行性研究、专家论证、风险评估、集体决策等',
]
const TARGET_POINTS = [
  '符合国家相关法律法规、国民经济发展规划和党委政府决策',
  '与项目实施单位职责密切相关',
  '项目所需资金是必需的',
  '符合客观实际',
]
const INDICATOR_POINTS = [
  '将项目绩效目标细化分解为具体的工作任务',
  '通过清晰、可衡量的指标值予以体现',
  '与项目年度任务数或计划数相对应',
  '与本年度项目预算资金相匹配',
]
const BUSINESS_RULE_POINTS = ['已制定或具有相应的业务管理制度', '业务管理制度合法、合规、完整']
const EXECUTION_POINTS = [
  '遵守相关法律法规和业务管理规定',
  '项目调整及支出调整手续完备',
  '项目合同书、验收报告、技术鉴定等资料齐全并及时归档',
  '项目实施的人员条件、场地设备、信息支撑等落实到位',
]
const QUALITY_POINTS = [
  '已制定或具有相应的项目质量要求或标准',
  '采取了相应的项目质量检查、验收等必需的控制措施或手段',
]
const FINANCE_RULE_POINTS = [
  '已制定或具有相应的项目资金管理办法',
  '项目资金管理办法符合相关财务会计制度的规定',
]
const COMPLIANCE_POINTS = [
  '符合国家财经法规和财务管理制度规定以及有关专项资金管理办法的规定',
  '资金的拨付有完整的审批程序和手续',
  '项目的重大开支经过评估论证',
  '符合项目预算批复或合同规定的用途',
  '不存在截留、挤占、挪用、虚列支出等情况',
]
const MONITORING_POINTS = ['已制定或具有相应的监控机制', '采取了相应的财务检查等必要的监控措施或手段']

const outcome = (code: string, name: string, weight: number, explanation: string) =>
  l3(code, name, weight, {
    explanation: `${explanation}，按项目实际设置具体指标。`,
    rule: OFFICIAL_QUALITATIVE,
    ruleText: OFFICIAL_QUALITATIVE_TEXT,
    evidence: '绩效目标表、统计数据、监测报告、受益对象访谈记录',
  })

export const CY2013_PROJECT = libraryFramework(
  {
    code: 'cy2013-project',
    name: '项目支出绩效评价共性指标体系框架（2013）',
    category: 'project',
    source: '财预〔2013〕53号 附件（项目支出绩效评价共性指标体系框架）',
    description:
      '2013年版项目支出共性指标框架，一级指标为投入、过程、产出、效果，部分地方仍在沿用。指标名称和评价要点依据原框架；20/20/30/30 及以下各级分值为惯例默认值。',
  },
  [
    l1('A', '投入', 20, [
      l2('A1', '项目立项', 12, [
        l3('A101', '项目立项规范性', 4, {
          explanation: '项目的申请、设立过程是否符合相关要求，用以反映和考核项目立项的规范情况。',
          ...evenPoints(APPROVAL_POINTS),
          ruleText: '每个要点占1/3分值，不满足不得分',
          evidence: '立项申报书、批复文件、可研报告、专家论证意见、会议纪要',
        }),
        l3('A102', '绩效目标合理性', 4, {
          explanation:
            '项目所设定的绩效目标是否依据充分，是否符合客观实际，用以反映和考核项目绩效目标与项目实施的相符情况。',
          ...evenPoints(TARGET_POINTS),
          evidence: '绩效目标申报表、预算批复、项目实施方案',
        }),
        l3('A103', '绩效指标明确性', 4, {
          explanation:
            '依据绩效目标设定的绩效指标是否清晰、细化、可衡量，用以反映和考核项目绩效目标的明细化情况。',
          ...evenPoints(INDICATOR_POINTS),
          evidence: '绩效目标申报表、项目任务计划',
        }),
      ]),
      l2('A2', '资金落实', 8, [
        l3('A201', '资金到位率', 5, {
          explanation:
            '实际到位资金与计划投入资金的比率，用以反映和考核资金落实情况对项目实施的总体保障程度。',
          ...rateOf('实际到位资金', '计划投入资金'),
          ruleText: '得分=分值×资金到位率（封顶100%）',
          evidence: '预算批复、资金下达文件、到账凭证',
        }),
        l3('A202', '到位及时率', 3, {
          explanation: '及时到位资金与应到位资金的比率，用以反映和考核项目资金落实的及时性程度。',
          ...rateOf('及时到位资金', '应到位资金'),
          ruleText: '得分=分值×到位及时率（封顶100%）',
          evidence: '资金下达文件、到账凭证、用款计划',
        }),
      ]),
    ]),
    l1('B', '过程', 20, [
      l2('B1', '业务管理', 10, [
        l3('B101', '管理制度健全性', 3, {
          explanation:
            '项目实施单位的业务管理制度是否健全，用以反映和考核业务管理制度对项目顺利实施的保障情况。',
          ...evenPoints(BUSINESS_RULE_POINTS),
          evidence: '业务管理制度、项目管理办法',
        }),
        l3('B102', '制度执行有效性', 4, {
          explanation: '项目实施是否符合相关业务管理规定，用以反映和考核业务管理制度的有效执行情况。',
          ...evenPoints(EXECUTION_POINTS),
          evidence: '项目调整审批文件、合同、验收报告、档案目录',
        }),
        l3('B103', '项目质量可控性', 3, {
          explanation:
            '项目实施单位是否为达到项目质量要求而采取了必需的措施，用以反映和考核项目实施单位的项目质量控制情况。',
          ...evenPoints(QUALITY_POINTS),
          evidence: '质量标准、质量检查记录、验收报告',
        }),
      ]),
      l2('B2', '财务管理', 10, [
        l3('B201', '管理制度健全性', 3, {
          explanation:
            '项目实施单位的财务制度是否健全，用以反映和考核财务管理制度对资金规范、安全运行的保障情况。',
          ...evenPoints(FINANCE_RULE_POINTS),
          evidence: '财务管理制度、专项资金管理办法',
        }),
        l3('B202', '资金使用合规性', 4, {
          explanation: '项目资金使用是否符合相关的财务管理制度规定，用以反映和考核项目资金的规范运行情况。',
          points: COMPLIANCE_POINTS,
          rule: MISUSE_DEDUCTION,
          ruleText: misuseDeductionText(5),
          evidence: '会计凭证、资金拨付审批单、合同、专项资金管理办法',
        }),
        l3('B203', '财务监控有效性', 3, {
          explanation:
            '项目实施单位是否为保障资金的安全、规范运行而采取了必要的监控措施，用以反映和考核项目实施单位对资金运行的控制情况。',
          ...evenPoints(MONITORING_POINTS),
          evidence: '财务检查记录、内部审计报告、监控台账',
        }),
      ]),
    ]),
    l1('C', '产出', 30, [
      l2('C1', '项目产出', 30, [
        l3('C101', '实际完成率', 10, {
          explanation: '项目实施的实际产出数与计划产出数的比率，用以反映和考核项目产出数量目标的实现程度。',
          ...rateOf('实际产出数', '计划产出数'),
          ruleText: '得分=分值×完成率（封顶100%）',
          evidence: '绩效目标表、工作台账、验收报告、统计报表',
        }),
        l3('C102', '完成及时率', 6, {
          explanation: '项目实际提前完成时间与计划完成时间的比率，用以反映和考核项目产出时效目标的实现程度。',
          formula:
            '（计划完成时间 − 实际完成时间）/ 计划完成时间 × 100%；惯例按 按期完成数 / 实际完成数 计算',
          rule: ['formula', '分子=按期完成数;分母=实际完成数'],
          ruleText: '按计划时间完成得满分；否则得分=分值×按期完成率',
          unit: '%',
          target: '100%',
          evidence: '项目进度计划、开竣工报告、验收报告',
        }),
        l3('C103', '质量达标率', 8, {
          explanation:
            '项目完成的质量达标产出数与实际产出数的比率，用以反映和考核项目产出质量目标的实现程度。',
          ...rateOf('质量达标产出数', '实际产出数'),
          ruleText: '得分=分值×质量达标率',
          evidence: '验收报告、质量检测报告',
        }),
        l3('C104', '成本节约率', 6, COST_SAVING),
      ]),
    ]),
    l1('D', '效果', 30, [
      l2('D1', '项目效益', 30, [
        outcome('D101', '经济效益', 6, '项目实施对经济发展所带来的直接或间接影响情况'),
        outcome('D102', '社会效益', 8, '项目实施对社会发展所带来的直接或间接影响情况'),
        outcome('D103', '生态效益', 4, '项目实施对生态环境所带来的直接或间接影响情况'),
        outcome('D104', '可持续影响', 4, '项目后续运行及成效发挥的可持续影响情况'),
        l3('D105', '社会公众或服务对象满意度', 8, {
          explanation: '社会公众或服务对象对项目实施效果的满意程度，一般采用问卷调查。',
          ...SATISFACTION_SURVEY,
        }),
      ]),
    ]),
  ],
)
