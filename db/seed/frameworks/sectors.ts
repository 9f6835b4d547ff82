// 分行业分领域指标 (REFERENCE §3, frameworks.yaml sector_frameworks): indicator names in common use in
// the transfer-payment regional target tables and provincial indicator libraries. Unweighted lists to
// pick from when building a scoring sheet; targets are typical values, to be checked against each
// year's target table, and '按项目目标' where no typical value is stable enough to ship.
import { sectorSet, type RuleSpec } from './build'

const BY_PROJECT = '按项目目标'
const FULL = '100%'
const SATISFIED = '≥90%'

/** Where a minimum rate is the usual requirement: at or above it full marks, then steps down. */
function thresholdTier(measure: string, threshold: number): { rule: RuleSpec; ruleText: string } {
  return {
    rule: ['tier', `指标=${measure};分档=${threshold}:100,${threshold - 5}:80,${threshold - 10}:60;其余=0`],
    ruleText: `（惯例）${measure}≥${threshold}%得满分；≥${threshold - 5}%得80%；≥${threshold - 10}%得60%；低于${threshold - 10}%不得分`,
  }
}

const sectorDescription = (field: string, extra = '') =>
  `${field}领域项目和转移支付常用的三级绩效指标，按产出、效益、满意度归类，供编制评分表时选用。指标不带权重（待分配），目标值为典型值，使用时以当年绩效目标表为准。${extra}`

export const SECTOR_EDUCATION = sectorSet(
  {
    code: 'sector-education',
    name: '教育领域常用绩效指标',
    source: '教育领域中央对地方转移支付区域绩效目标表；省级预算绩效指标库（行业常用）',
    description: sectorDescription('教育'),
  },
  'EDU',
  {
    '产出-数量': [
      ['资助学生人数', '人次', BY_PROJECT, { explanation: '年度内获得各类资助的学生人次。' }],
      ['教师培训人次', '人次', BY_PROJECT],
      ['校舍改造面积', '平方米', BY_PROJECT],
      ['营养改善计划受益学生人数', '人', BY_PROJECT],
    ],
    '产出-质量': [
      [
        '家庭经济困难学生资助应助尽助率',
        '%',
        FULL,
        { formula: '实际资助的家庭经济困难学生数 / 认定的家庭经济困难学生数 × 100%' },
      ],
      ['校舍安全达标率', '%', FULL, { formula: '安全达标校舍面积 / 校舍总面积 × 100%' }],
      ['培训合格率', '%', BY_PROJECT, { formula: '培训考核合格人数 / 参训人数 × 100%' }],
    ],
    '产出-时效': [['资助资金按时发放率', '%', FULL, { formula: '按时发放资助资金 / 应发放资助资金 × 100%' }]],
    '产出-成本': [
      [
        '生均公用经费标准落实率',
        '%',
        FULL,
        { formula: '按标准落实生均公用经费的学校数 / 应落实学校数 × 100%' },
      ],
    ],
    '效益-社会': [
      ['学前教育毛入园率', '%', '≥90%', { formula: '在园幼儿数 / 学前三年适龄人口数 × 100%' }],
      [
        '九年义务教育巩固率',
        '%',
        '≥95%',
        { formula: '初中毕业班学生数 / 该年级入小学一年级时学生数 × 100%' },
      ],
      ['高中阶段毛入学率', '%', '≥92%', { formula: '高中阶段在校生数 / 15–17岁适龄人口数 × 100%' }],
    ],
    满意度: [
      ['学生满意度', '%', SATISFIED],
      ['家长满意度', '%', SATISFIED],
    ],
  },
)

export const SECTOR_HEALTH = sectorSet(
  {
    code: 'sector-health',
    name: '卫生健康领域常用绩效指标（基本公共卫生服务）',
    source: '基本公共卫生服务补助资金区域绩效目标表；国家基本公共卫生服务规范（行业常用）',
    description: sectorDescription(
      '卫生健康（基本公共卫生服务）',
      '多数服务率指标的年度目标由区域绩效目标表逐年下达。',
    ),
  },
  'HEA',
  {
    '产出-数量': [
      ['居民电子健康档案建档率', '%', BY_PROJECT, { formula: '建档人数 / 辖区常住人口数 × 100%' }],
      [
        '0-6岁儿童健康管理率',
        '%',
        BY_PROJECT,
        { formula: '接受1次及以上随访的0–6岁儿童数 / 辖区0–6岁儿童数 × 100%' },
      ],
      ['孕产妇系统管理率', '%', BY_PROJECT, { formula: '按规范接受系统管理的产妇数 / 活产数 × 100%' }],
      [
        '65岁及以上老年人健康管理率',
        '%',
        BY_PROJECT,
        { formula: '接受健康管理的65岁及以上老年人数 / 辖区65岁及以上常住老年人口数 × 100%' },
      ],
    ],
    '产出-质量': [
      ['高血压患者基层规范管理服务率', '%', BY_PROJECT],
      ['2型糖尿病患者基层规范管理服务率', '%', BY_PROJECT],
      ['严重精神障碍患者规范管理率', '%', BY_PROJECT],
      ['肺结核患者管理率', '%', BY_PROJECT],
    ],
    '产出-时效': [
      [
        '传染病和突发公共卫生事件报告及时率',
        '%',
        FULL,
        { formula: '及时报告的事件数 / 报告事件总数 × 100%' },
      ],
    ],
    '效益-社会': [
      [
        '适龄儿童国家免疫规划疫苗接种率',
        '%',
        '≥90%',
        { formula: '实际接种人数 / 应接种人数 × 100%', ...thresholdTier('疫苗接种率', 90) },
      ],
    ],
    满意度: [['居民满意度', '%', SATISFIED]],
  },
)

export const SECTOR_AGRICULTURE = sectorSet(
  {
    code: 'sector-agriculture',
    name: '农业农村领域常用绩效指标',
    source: '农业相关转移支付区域绩效目标表；省级预算绩效指标库（行业常用）',
    description: sectorDescription('农业农村'),
  },
  'AGR',
  {
    '产出-数量': [
      ['高标准农田建设面积', '亩', BY_PROJECT],
      ['耕地地力保护补贴发放面积', '亩', BY_PROJECT],
    ],
    '产出-质量': [
      [
        '动物疫病强制免疫应免畜禽免疫密度',
        '%',
        '≥90%',
        { formula: '实际免疫畜禽数 / 应免畜禽数 × 100%', ...thresholdTier('免疫密度', 90) },
      ],
      [
        '免疫抗体合格率',
        '%',
        '≥70%',
        { formula: '抗体检测合格样品数 / 检测样品数 × 100%', ...thresholdTier('免疫抗体合格率', 70) },
      ],
      ['农作物良种覆盖率', '%', BY_PROJECT],
    ],
    '产出-时效': [
      ['补贴资金及时足额兑付率', '%', FULL, { formula: '及时足额兑付的补贴资金 / 应兑付补贴资金 × 100%' }],
    ],
    '效益-经济': [['农村居民人均可支配收入增长率', '%', BY_PROJECT]],
    '效益-生态': [['畜禽粪污综合利用率', '%', BY_PROJECT]],
    '效益-可持续': [['主要农作物耕种收综合机械化率', '%', BY_PROJECT]],
    满意度: [['受益农户满意度', '%', SATISFIED]],
  },
)

export const SECTOR_TRANSPORT = sectorSet(
  {
    code: 'sector-transport',
    name: '交通运输领域常用绩效指标',
    source: '车购税等交通运输转移支付区域绩效目标表；省级预算绩效指标库（行业常用）',
    description: sectorDescription('交通运输'),
  },
  'TRA',
  {
    '产出-数量': [
      ['新改建农村公路里程', '公里', BY_PROJECT],
      ['危桥改造座数', '座', BY_PROJECT],
    ],
    '产出-质量': [
      ['交工验收合格率', '%', FULL, { formula: '交工验收合格的工程数 / 交工验收的工程数 × 100%' }],
      [
        '公路优良路率（PQI）',
        '%',
        BY_PROJECT,
        { explanation: '路面使用性能指数（PQI）评定为优、良等级的里程占比。' },
      ],
      ['农村公路列养率', '%', FULL, { formula: '列入养护计划的农村公路里程 / 农村公路总里程 × 100%' }],
    ],
    '产出-时效': [['按期完工率', '%', FULL, { formula: '按期完工项目数 / 计划完工项目数 × 100%' }]],
    '效益-社会': [
      ['具备条件的建制村通客车率', '%', FULL],
      ['城市公交准点率', '%', BY_PROJECT],
      [
        '交通事故下降率',
        '%',
        BY_PROJECT,
        { formula: '（上年事故起数 − 本年事故起数）/ 上年事故起数 × 100%' },
      ],
    ],
    满意度: [['群众满意度', '%', SATISFIED]],
  },
)

export const SECTOR_SCIENCE = sectorSet(
  {
    code: 'sector-science',
    name: '科学技术领域常用绩效指标',
    source: '中央部门科技类项目核心绩效指标；省级预算绩效指标库（行业常用）',
    description: sectorDescription('科学技术'),
  },
  'SCI',
  {
    '产出-数量': [
      ['发明专利申请数', '件', BY_PROJECT],
      ['发明专利授权数', '件', BY_PROJECT],
      [
        '发表论文数',
        '篇',
        BY_PROJECT,
        { explanation: '在核心期刊或SCI等收录期刊发表的论文数，口径在目标表中注明。' },
      ],
      ['新产品新技术新工艺数', '项', BY_PROJECT],
      ['培养引进人才数', '人', BY_PROJECT],
    ],
    '产出-质量': [['项目验收通过率', '%', BY_PROJECT, { formula: '通过验收的项目数 / 应验收项目数 × 100%' }]],
    '产出-时效': [['项目按期结题率', '%', BY_PROJECT, { formula: '按期结题的项目数 / 应结题项目数 × 100%' }]],
    '效益-经济': [
      ['技术合同成交额', '万元', BY_PROJECT],
      ['科技成果转化收入', '万元', BY_PROJECT],
      ['高新技术企业新增数', '家', BY_PROJECT],
    ],
    '效益-可持续': [
      ['R&D经费投入强度', '%', BY_PROJECT, { formula: '研究与试验发展经费支出 / 地区生产总值 × 100%' }],
    ],
    满意度: [
      ['企业满意度', '%', SATISFIED],
      ['科研人员满意度', '%', SATISFIED],
    ],
  },
)

export const SECTOR_SOCIAL_SECURITY = sectorSet(
  {
    code: 'sector-social-security',
    name: '社会保障和就业领域常用绩效指标',
    source: '就业补助、困难群众救助等转移支付区域绩效目标表；省级预算绩效指标库（行业常用）',
    description: sectorDescription('社会保障和就业'),
  },
  'SOC',
  {
    '产出-数量': [
      ['城镇新增就业人数', '人', BY_PROJECT],
      ['职业技能培训人次', '人次', BY_PROJECT],
      ['就业困难人员就业人数', '人', BY_PROJECT],
    ],
    '产出-质量': [
      ['城乡居民基本养老保险参保率', '%', BY_PROJECT, { formula: '实际参保人数 / 应参保人数 × 100%' }],
      ['城乡低保应保尽保率', '%', FULL],
      ['特困人员救助供养覆盖率', '%', FULL],
      ['补贴资金发放准确率', '%', FULL, { formula: '准确发放的补贴资金 / 发放补贴资金总额 × 100%' }],
      ['培训后取证率', '%', BY_PROJECT, { formula: '取得职业资格或技能等级证书人数 / 参训人数 × 100%' }],
    ],
    '产出-时效': [['养老金按时足额发放率', '%', FULL]],
    '效益-社会': [
      [
        '城镇调查失业率',
        '%',
        '控制在年度目标以内',
        { direction: 'negative', explanation: '城镇调查失业率控制在年度目标以内的情况，实际值越低越好。' },
      ],
      ['培训后就业率', '%', BY_PROJECT, { formula: '培训后实现就业人数 / 参训人数 × 100%' }],
    ],
    满意度: [['困难群众满意度', '%', SATISFIED]],
  },
)

export const SECTOR_ECOLOGY = sectorSet(
  {
    code: 'sector-ecology',
    name: '生态环境领域常用绩效指标',
    source: '大气、水、土壤污染防治资金区域绩效目标表；省级预算绩效指标库（行业常用）',
    description: sectorDescription('生态环境', '劣V类水体比例、PM2.5年均浓度为反向指标，实际值越低越好。'),
  },
  'ECO',
  {
    '产出-数量': [
      [
        '主要污染物减排量',
        '吨',
        BY_PROJECT,
        { explanation: '化学需氧量、氨氮、氮氧化物、挥发性有机物（VOCs）等主要污染物的减排量。' },
      ],
    ],
    '产出-质量': [
      ['城市生活污水集中收集率', '%', BY_PROJECT],
      ['生活垃圾无害化处理率', '%', BY_PROJECT, { formula: '无害化处理量 / 生活垃圾产生量 × 100%' }],
    ],
    '效益-生态': [
      ['空气质量优良天数比率', '%', BY_PROJECT, { formula: '空气质量优良天数 / 有效监测天数 × 100%' }],
      [
        'PM2.5年均浓度',
        '微克/立方米',
        BY_PROJECT,
        {
          direction: 'negative',
          explanation: '细颗粒物（PM2.5）年均浓度，实际值越低越好；也可按浓度下降比例（正向）设置。',
        },
      ],
      ['地表水国控断面优良（达到或好于Ⅲ类）比例', '%', BY_PROJECT],
      [
        '劣V类水体比例',
        '%',
        BY_PROJECT,
        { direction: 'negative', explanation: '劣V类水质断面占监测断面的比例，实际值越低越好。' },
      ],
      ['受污染耕地安全利用率', '%', BY_PROJECT],
      ['重点建设用地安全利用率', '%', BY_PROJECT],
    ],
    满意度: [['周边群众满意度', '%', SATISFIED]],
  },
)

export const SECTOR_CULTURE_TOURISM = sectorSet(
  {
    code: 'sector-culture-tourism',
    name: '文化旅游领域常用绩效指标',
    source: '公共文化服务体系建设等转移支付区域绩效目标表；省级预算绩效指标库（行业常用）',
    description: sectorDescription('文化旅游'),
  },
  'CUL',
  {
    '产出-数量': [
      ['文化惠民演出（送戏下乡）场次', '场', BY_PROJECT],
      ['农家书屋更新出版物数', '册', BY_PROJECT],
      ['非遗传承活动场次', '场', BY_PROJECT],
    ],
    '产出-质量': [
      ['公共图书馆/文化馆(站)/美术馆免费开放率', '%', FULL],
      ['公共文化设施正常运行率', '%', BY_PROJECT],
    ],
    '产出-时效': [
      [
        '文物保护修缮项目完成率',
        '%',
        BY_PROJECT,
        { formula: '按期完成的修缮项目数 / 计划修缮项目数 × 100%' },
      ],
    ],
    '效益-社会': [['年接待读者/观众人次', '人次', BY_PROJECT]],
    满意度: [['群众满意度', '%', SATISFIED]],
  },
)

export const SECTOR_SETS = [
  SECTOR_EDUCATION,
  SECTOR_HEALTH,
  SECTOR_AGRICULTURE,
  SECTOR_TRANSPORT,
  SECTOR_SCIENCE,
  SECTOR_SOCIAL_SECURITY,
  SECTOR_ECOLOGY,
  SECTOR_CULTURE_TOURISM,
] as const
