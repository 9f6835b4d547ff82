import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { ImportProblems, WorkbookUploadForm } from '~/components/indicator-tree'
import { readScoreSheetWorkbook, scoreProblemText } from '~/excel/score-sheet-workbook.server'
import { expertScoringPage, saveScoresBulk } from '~/services/scoring.server'
import { formatDateTime } from '~/utils/datetime'
import { MAX_WORKBOOK_BYTES, MAX_WORKBOOK_MB } from '~/utils/limits'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '离线评分 · EvalDesk' }]

/** Why the sheet takes no upload now, or null while it does (the online page's own lock). */
function closedReason(page: NonNullable<ReturnType<typeof expertScoringPage>>): string | null {
  if (page.submittedAt) return `已于 ${formatDateTime(page.submittedAt)} 提交，评分表已锁定，不能再上传。`
  if (page.round.phase !== 'scoring') return '独立评分阶段已结束，不能再上传离线评分表；讨论阶段如需调整请在线重评。'
  if (page.round.deadline === 'closed') return '已过截止时间，评分已关闭。'
  return null
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const page = expertScoringPage(getDb(), actor, params.seatId ?? '', now())
  if (!page) throw notFound()
  const scored = page.items.filter((i) => i.entry)
  return {
    seatId: params.seatId ?? '',
    sheetVersionNo: page.sheetVersionNo,
    total: page.items.length,
    scored: scored.length,
    unexplained: scored.filter((i) => i.entry!.score < i.node.weight && i.entry!.reason === '').length,
    softDeadline: page.round.softDeadline,
    hardDeadline: page.round.hardDeadline,
    closed: closedReason(page),
  }
}

type ActionData = { formError: string | null; problems: string[]; saved: number | null }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const db = getDb()
  const seatId = params.seatId ?? ''
  const page = expertScoringPage(db, actor, seatId, now())
  if (!page) throw notFound()
  const refused = (status: number, formError: string, problems: string[] = [], init?: HeadersInit) => data<ActionData>({ formError, problems, saved: null }, { status, headers: init })
  const upload = await readUpload(request, { field: 'file', maxBytes: MAX_WORKBOOK_BYTES })
  if (!upload.ok) return refused(upload.status, upload.message, [], uploadRefusalHeaders(upload.status))
  const read = await readScoreSheetWorkbook(upload.bytes, page.items.map((i) => i.node.code))
  if (!read.ok) return refused(400, '未保存任何评分：请按下列问题修改评分表后重新上传', read.problems.map(scoreProblemText))
  const result = saveScoresBulk(db, actor, seatId, read.rows, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    const codeOf = new Map(read.rows.map((r) => [r.row, r.code]))
    const problems = Object.entries(result.errors)
      .filter(([key]) => key.startsWith('row.'))
      .map(([key, message]) => {
        const row = Number(key.slice('row.'.length))
        return scoreProblemText({ row, code: codeOf.get(row) ?? null, message })
      })
    return refused(result.status, result.errors._form ?? '未保存任何评分', problems)
  }
  return data<ActionData>({ formError: null, problems: [], saved: result.value.saved })
}

export default function OfflineScoring() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const online = `/expert/seats/${d.seatId}/score`
  return (
    <section data-testid="offline-scoring">
      <p>
        <Link to={online}>← 在线评分</Link>
      </p>
      <h1>离线评分</h1>
      <p className="muted">
        {`评分表第 ${d.sheetVersionNo} 版 · 已评 ${d.scored} / ${d.total} 项`}
        {d.unexplained > 0 ? `，其中 ${d.unexplained} 项未得满分但尚未填写扣分理由（提交前须补充）` : ''}
      </p>
      {d.softDeadline ? <p className="muted">建议完成时间 {formatDateTime(d.softDeadline)}</p> : null}
      {d.hardDeadline ? <p className="muted">截止时间 {formatDateTime(d.hardDeadline)}</p> : null}
      {actionData?.saved != null ? (
        <p className="notice" role="status" data-testid="offline-saved">
          {`已保存 ${actionData.saved} 项。`}
          <Link to={online}>回到在线评分页核对并提交</Link>
        </p>
      ) : null}
      <div className="card stack">
        <h2>第一步：下载评分表</h2>
        <p>
          <a href={`/expert/seats/${d.seatId}/score.xlsx`}>下载离线评分表（.xlsx）</a>
        </p>
        <p className="muted small">评分表已填入您目前保存的评分。请只填写「得分」「扣分理由」「备注」三列，其余各列已锁定；“填写说明”工作表列出了评分步长、截止时间和规则。</p>
      </div>
      <div className="card stack">
        <h2>第二步：上传填好的评分表</h2>
        {d.closed ? (
          <p className="notice">{d.closed}</p>
        ) : (
          <>
            <p className="muted small">上传时按在线评分的同样规则逐行校验；任何一行有误时不保存任何评分，并列出每行的问题。上传只保存草稿，核对后请在在线评分页提交。</p>
            <WorkbookUploadForm label={`选择文件（.xlsx，不超过 ${MAX_WORKBOOK_MB} MB）`} submitLabel="上传并保存" />
          </>
        )}
        <FormError error={actionData?.formError ?? undefined} />
        <ImportProblems problems={actionData?.problems ?? []} />
      </div>
    </section>
  )
}
