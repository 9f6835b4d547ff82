// Demo expert pool: the demo account expert.zhang plus about thirty experts without accounts, with
// enough of each specialty for a five-seat draw, a few former and current staff of 杭州市滨江区教育局
// (the demo's evaluated unit, so conflict detection has something to find), one suspended expert
// and one away on the weeks after set-up. Phones and emails are fictitious.
import type { Tx } from '../client.server'
import type { ExpertStatus, RelationKind, Title } from '../../app/domain/experts/vocab'
import { newId } from '../../app/ids.server'
import { insertExpert, replaceExpertChildren } from '../../app/models/expert.server'
import type { DemoIds } from './demo'

const DAY = 86_400_000
const BINJIANG_EDUCATION = '杭州市滨江区教育局'

type DemoExpert = {
  name: string
  title: Title
  employer: string
  specialties: string[]
  email: string
  region?: string
  phone?: string
  status?: ExpertStatus
  note?: string
  /** Earlier posts; the current employer is added as an open-ended post from `since`. */
  since?: string
  history?: { organization: string; fromDate: string; toDate: string | null }[]
  relations?: { kind: RelationKind; organization: string; note: string }[]
  /** Away from a week after set-up for about two months. */
  away?: string
  /** The demo account this profile belongs to. */
  username?: string
}

export const DEMO_EXPERTS: DemoExpert[] = [
  {
    name: '张教授',
    username: 'expert.zhang',
    title: 'senior',
    employer: '浙江大学公共管理学院',
    specialties: ['finance', 'policy'],
    email: 'zhang.prof@example.com',
    since: '2012-09-01',
    history: [{ organization: '浙江省财政厅预算局', fromDate: '2003-07-01', toDate: '2012-08-31' }],
  },
  { name: '王立新', title: 'senior', employer: '浙江财经大学会计学院', specialties: ['finance', 'audit'], email: 'wang.lixin@example.com', since: '2009-09-01' },
  { name: '李静', title: 'associate', employer: '浙江工商大学财务与会计学院', specialties: ['finance'], email: 'li.jing@example.com' },
  { name: '赵永明', title: 'senior', employer: '浙江诚信会计师事务所有限公司', specialties: ['finance', 'audit'], email: 'zhao.yongming@example.com', since: '2006-03-01' },
  { name: '孙丽华', title: 'intermediate', employer: '浙江省财政科学研究所', specialties: ['finance', 'economics'], email: 'sun.lihua@example.com' },
  {
    name: '黄志强',
    title: 'associate',
    employer: '杭州钱江会计师事务所有限公司',
    specialties: ['finance', 'audit'],
    email: 'huang.zhiqiang@example.com',
    since: '2012-09-01',
    // Long before any lookback window: no conflict should come of it.
    history: [{ organization: BINJIANG_EDUCATION, fromDate: '2005-09-01', toDate: '2012-08-31' }],
  },
  {
    name: '周敏',
    title: 'associate',
    employer: '浙江财经大学财税学院',
    specialties: ['finance', 'policy'],
    email: 'zhou.min@example.com',
    status: 'suspended',
    note: '2025 年度评价为“不称职”，暂停抽取一年',
  },
  { name: '戚美玲', title: 'senior', employer: '浙江大学经济学院', specialties: ['economics', 'finance'], email: 'qi.meiling@example.com' },
  {
    name: '陈建华',
    title: 'senior',
    employer: '杭州市教育科学研究院',
    specialties: ['education', 'management'],
    email: 'chen.jianhua@example.com',
    since: '2023-07-01',
    history: [{ organization: BINJIANG_EDUCATION, fromDate: '2014-09-01', toDate: '2023-06-30' }],
  },
  {
    name: '刘芳',
    title: 'associate',
    employer: BINJIANG_EDUCATION,
    specialties: ['education'],
    email: 'liu.fang@example.com',
    region: '浙江省杭州市滨江区',
    since: '2018-02-01',
  },
  { name: '吴晓东', title: 'senior', employer: '杭州师范大学教育学院', specialties: ['education', 'policy'], email: 'wu.xiaodong@example.com' },
  { name: '郑雅琴', title: 'associate', employer: '浙江省教育科学研究院', specialties: ['education'], email: 'zheng.yaqin@example.com' },
  { name: '冯国强', title: 'intermediate', employer: '杭州市学军中学', specialties: ['education'], email: 'feng.guoqiang@example.com' },
  {
    name: '何淑贞',
    title: 'senior',
    employer: '浙江工业大学教育科学与技术学院',
    specialties: ['education', 'social_security'],
    email: 'he.shuzhen@example.com',
    relations: [{ kind: 'relative', organization: BINJIANG_EDUCATION, note: '弟弟任该局财务科科长' }],
  },
  {
    name: '许文博',
    title: 'associate',
    employer: '浙江师范大学杭州幼儿师范学院',
    specialties: ['education'],
    email: 'xu.wenbo@example.com',
    away: '出国访学',
  },
  { name: '沈建平', title: 'senior', employer: '浙江大学医学院附属第二医院', specialties: ['health'], email: 'shen.jianping@example.com', phone: '0571-88880015' },
  {
    name: '韩雪梅',
    title: 'associate',
    employer: '杭州市疾病预防控制中心',
    specialties: ['health'],
    email: 'han.xuemei@example.com',
    relations: [{ kind: 'relative', organization: '杭州市滨江区卫生健康局', note: '配偶任该局副局长' }],
  },
  { name: '杨卫东', title: 'senior', employer: '浙江省农业科学院', specialties: ['agriculture', 'science'], email: 'yang.weidong@example.com' },
  { name: '朱海燕', title: 'associate', employer: '浙江农林大学经济管理学院', specialties: ['agriculture', 'economics'], email: 'zhu.haiyan@example.com', region: '浙江省杭州市临安区' },
  { name: '秦建国', title: 'senior', employer: '浙江省交通规划设计研究院有限公司', specialties: ['transport', 'engineering'], email: 'qin.jianguo@example.com' },
  { name: '尤立峰', title: 'associate', employer: '杭州正衡工程造价咨询有限公司', specialties: ['engineering', 'audit'], email: 'you.lifeng@example.com' },
  { name: '施亮', title: 'intermediate', employer: '杭州数智信息技术有限公司', specialties: ['it'], email: 'shi.liang@example.com' },
  { name: '孔德胜', title: 'senior', employer: '杭州电子科技大学计算机学院', specialties: ['it', 'science'], email: 'kong.desheng@example.com' },
  { name: '曹丽娟', title: 'associate', employer: '浙江钱塘律师事务所', specialties: ['law'], email: 'cao.lijuan@example.com' },
  { name: '严正', title: 'senior', employer: '浙江工商大学法学院', specialties: ['law', 'policy'], email: 'yan.zheng@example.com' },
  { name: '华晓燕', title: 'associate', employer: '浙江省生态环境科学设计研究院', specialties: ['ecology'], email: 'hua.xiaoyan@example.com' },
  { name: '金伟', title: 'senior', employer: '浙江省社会科学院', specialties: ['economics', 'policy'], email: 'jin.wei@example.com' },
  { name: '魏红', title: 'associate', employer: '浙江旅游职业学院', specialties: ['culture_tourism'], email: 'wei.hong@example.com' },
  { name: '陶建军', title: 'intermediate', employer: '浙江财经大学公共管理学院', specialties: ['social_security'], email: 'tao.jianjun@example.com' },
  { name: '姜宇', title: 'associate', employer: '浙江省科技信息研究院', specialties: ['science', 'it'], email: 'jiang.yu@example.com' },
  { name: '谢晨', title: 'intermediate', employer: '杭州市城市规划设计研究院', specialties: ['engineering', 'management'], email: 'xie.chen@example.com' },
  {
    name: '邹文',
    title: 'associate',
    employer: '浙江大学公共管理学院',
    specialties: ['management', 'policy'],
    email: 'zou.wen@example.com',
    relations: [{ kind: 'advisory', organization: '杭州市滨江区长河街道办事处', note: '2025 年起任绩效管理顾问' }],
  },
]

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

/** Inserts the demo pool; the specialty list must be seeded already. Returns how many experts. */
export function seedDemoExperts(tx: Tx, ids: DemoIds, at: Date): number {
  DEMO_EXPERTS.forEach((spec, i) => {
    const row = insertExpert(
      tx,
      {
        id: newId(),
        userId: spec.username ? (ids.users[spec.username] ?? null) : null,
        name: spec.name,
        employer: spec.employer,
        title: spec.title,
        region: spec.region ?? '浙江省杭州市',
        // 138 0571 nnnn: fictitious, one per expert.
        phone: spec.phone ?? `1380571${String(i + 1).padStart(4, '0')}`,
        email: spec.email,
        note: spec.note ?? '',
        status: spec.status ?? 'active',
      },
      at,
    )
    replaceExpertChildren(tx, row.id, {
      specialtyCodes: spec.specialties,
      employments: [...(spec.since ? [{ organization: spec.employer, fromDate: spec.since, toDate: null }] : []), ...(spec.history ?? [])],
      relations: spec.relations ?? [],
      unavailability: spec.away ? [{ fromDate: isoDay(at.getTime() + 7 * DAY), toDate: isoDay(at.getTime() + 67 * DAY), note: spec.away }] : [],
    })
  })
  return DEMO_EXPERTS.length
}
