// 单位自评 (财预〔2020〕10号 附件1): the self-evaluation table's layout. Level-3 rows are placeholders
// for the indicators approved with the budget, which every project fills in from its own target table.
// The 2021 variant adds 成本指标 as a level-1 category (财预〔2021〕101号).
import type { IndicatorNode } from '../../../app/domain/indicators/tree'
import { indicatorBuilders, libraryFramework, SURVEY_90, type LeafDetails } from './build'

const { l1, l2, l3 } = indicatorBuilders({ weightBasis: 'conventional', source: 'official' })

const QUANTITATIVE_TEXT =
  '达到年度指标值得满分；未达到的，得分=分值×实际完成值/年度指标值；因指标值设定过低导致实际完成值远超指标值的，按偏离程度适当扣分'
const SELF_EVAL_BANDS = '档位=达成年度指标:80-100,部分达成并具有一定效果:60-80,未达成且效果较差:0-60'
const QUALITATIVE_TEXT =
  '达成年度指标的，得分值的80%–100%；部分达成年度指标并具有一定效果的，得60%–80%；未达成年度指标且效果较差的，得0–60%'
const EVIDENCE = '绩效目标表、统计数据、工作台账、验收资料'

function placeholder(
  code: string,
  kind: string,
  weight: number,
  details: Partial<LeafDetails> = {},
): IndicatorNode {
  return l3(code, `${kind}（按批复的绩效目标填列）`, weight, {
    source: 'project',
    explanation: `按预算批复的绩效目标表填列${kind}，一个目标一行，分值按重要程度分配。`,
    formula: '实际完成值 / 年度指标值 × 100%',
    rule: ['formula', '分子=实际完成值;分母=年度指标值'],
    ruleText: QUANTITATIVE_TEXT,
    target: '按年度指标值',
    evidence: EVIDENCE,
    ...details,
  })
}

function qualitativePlaceholder(code: string, kind: string, weight: number): IndicatorNode {
  return placeholder(code, kind, weight, {
    formula: '',
    rule: ['qualitative', SELF_EVAL_BANDS],
    ruleText: QUALITATIVE_TEXT,
  })
}

function budgetExecution(weight: number, weightBasis: 'official' | 'conventional'): IndicatorNode {
  return l1(
    'A',
    '预算执行率',
    weight,
    [
      l2('A1', '预算执行率', weight, [
        l3('A101', '预算执行率', weight, {
          explanation: '项目全年执行数与全年预算数的比率。部分地区以年中调整后的预算作为全年预算数。',
          formula: '全年执行数 / 全年预算数 × 100%',
          rule: ['formula', '分子=全年执行数;分母=全年预算数'],
          ruleText: `得分=${weight}×预算执行率，最高${weight}分`,
          unit: '%',
          target: '100%',
          evidence: '预算批复、预算调整文件、财务账册、国库支付记录',
        }),
      ]),
    ],
    { weightBasis },
  )
}

function outputs(
  code: string,
  weight: number,
  parts: readonly (readonly [string, number])[],
  weightBasis: 'official' | 'conventional',
): IndicatorNode {
  return l1(
    code,
    '产出指标',
    weight,
    parts.map(([kind, w], i) => l2(`${code}${i + 1}`, kind, w, [placeholder(`${code}${i + 1}01`, kind, w)])),
    { weightBasis },
  )
}

function outcomes(code: string, weightBasis: 'official' | 'conventional'): IndicatorNode {
  return l1(
    code,
    '效益指标',
    30,
    [
      l2(`${code}1`, '经济效益指标', 7.5, [placeholder(`${code}101`, '经济效益指标', 7.5)]),
      l2(`${code}2`, '社会效益指标', 7.5, [qualitativePlaceholder(`${code}201`, '社会效益指标', 7.5)]),
      l2(`${code}3`, '生态效益指标', 7.5, [qualitativePlaceholder(`${code}301`, '生态效益指标', 7.5)]),
      l2(`${code}4`, '可持续影响指标', 7.5, [qualitativePlaceholder(`${code}401`, '可持续影响指标', 7.5)]),
    ],
    { weightBasis },
  )
}

function satisfaction(code: string, weightBasis: 'official' | 'conventional'): IndicatorNode {
  return l1(
    code,
    '满意度指标',
    10,
    [
      l2(`${code}1`, '服务对象满意度指标', 10, [
        placeholder(`${code}101`, '服务对象满意度指标', 10, {
          formula: '（满意+较满意）样本数 / 有效样本数 × 100%',
          rule: SURVEY_90,
          ruleText: '满意度达到年度指标值（常用90%）得满分；未达到的，得分=分值×实际满意度/年度指标值',
          unit: '%',
          target: '≥90%',
          evidence: '调查问卷、问卷统计表',
        }),
      ]),
    ],
    { weightBasis },
  )
}

const OUTPUT_2020 = [
  ['数量指标', 15],
  ['质量指标', 15],
  ['时效指标', 10],
  ['成本指标', 10],
] as const
const OUTPUT_2021 = [
  ['数量指标', 15],
  ['质量指标', 15],
  ['时效指标', 10],
] as const

export const SELF_EVAL_2020 = libraryFramework(
  {
    code: 'self-eval-2020',
    name: '项目支出绩效自评表（2020）',
    category: 'self_evaluation',
    source: '财预〔2020〕10号 附件1（项目支出绩效自评表）',
    description:
      '预算单位对照批复的绩效目标开展自评时使用的表样。一级指标权重预算执行率10、产出50、效益30、满意度10为官方默认值（特殊情况可调整）；二、三级分值为惯例示例，三级指标按项目绩效目标表逐项填列。',
  },
  [
    budgetExecution(10, 'official'),
    outputs('B', 50, OUTPUT_2020, 'official'),
    outcomes('C', 'official'),
    satisfaction('D', 'official'),
  ],
)

export const SELF_EVAL_2021_COST = libraryFramework(
  {
    code: 'self-eval-2021-cost',
    name: '项目支出绩效自评表（含成本指标）',
    category: 'self_evaluation',
    source: '财预〔2020〕10号 附件1；财预〔2021〕101号（成本指标）',
    description:
      '财预〔2021〕101号将成本指标单列为一级指标（经济成本、社会成本、生态环境成本）后的自评表样。预算执行率10、成本10、产出40、效益30、满意度10均为惯例默认值，三级指标按项目绩效目标表逐项填列。',
  },
  [
    budgetExecution(10, 'conventional'),
    l1('B', '成本指标', 10, [
      l2('B1', '经济成本指标', 4, [
        placeholder('B101', '经济成本指标', 4, {
          explanation:
            '按预算批复的绩效目标表填列经济成本指标（如单位成本、总成本），实际成本不高于指标值为好。',
          ruleText: '实际成本不高于年度指标值得满分；超过的，得分=分值×年度指标值/实际完成值',
          direction: 'negative',
        }),
      ]),
      l2('B2', '社会成本指标', 3, [qualitativePlaceholder('B201', '社会成本指标', 3)]),
      l2('B3', '生态环境成本指标', 3, [qualitativePlaceholder('B301', '生态环境成本指标', 3)]),
    ]),
    outputs('C', 40, OUTPUT_2021, 'conventional'),
    outcomes('D', 'conventional'),
    satisfaction('E', 'conventional'),
  ],
)
