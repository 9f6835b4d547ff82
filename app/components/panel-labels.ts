// Chinese labels of seat states and draw events, shared by the panel, draw and expert pages.
export const SEAT_STATUS_LABELS: Record<string, string> = {
  waiting: '候补待命',
  invited: '待答复',
  accepted: '已接受',
  declined: '已谢绝',
  expired: '逾期未答复',
  withdrawn: '已撤回',
}
export const SEAT_KIND_LABELS: Record<string, string> = { drawn: '随机抽取', reserve: '候补', manual: '指定' }
export const DRAW_EVENT_LABELS: Record<string, string> = { declined: '谢绝', expired: '逾期', reserve_called: '候补递补', vacancy: '席位空缺', manual: '指定专家', vacancy_draw: '补抽', withdrawn: '撤回席位', reserve_skipped: '候补因信用跳过' }
