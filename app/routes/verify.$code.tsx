// 报告验证 (public, no login): an issued report's identity and hashes, and a byte-for-byte check of an
// uploaded file. Nothing about experts or scores is shown here.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { sha256Hex } from '../../reports/render'
import { notFound } from '~/auth/require.server'
import { FormError } from '~/components/field'
import { checkIssuedFile, verificationOf } from '~/services/report.server'
import { formatDateTime } from '~/utils/datetime'
import { MAX_WORKBOOK_BYTES } from '~/utils/limits'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

export const meta: MetaFunction = () => [{ title: '报告验证 · EvalDesk' }]

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export async function loader({ params }: LoaderFunctionArgs) {
  const info = verificationOf(getDb(), params.code ?? '')
  if (!info) throw notFound()
  return info
}

type ActionData = { error: string | null; result: 'docx' | 'pdf' | 'none' | null; filename: string }

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb()
  if (!verificationOf(db, params.code ?? '')) throw notFound()
  const upload = await readUpload(request, { field: 'file', maxBytes: MAX_WORKBOOK_BYTES })
  if (!upload.ok) return data<ActionData>({ error: upload.message, result: null, filename: '' }, { status: upload.status, headers: uploadRefusalHeaders(upload.status) })
  const checked = checkIssuedFile(db, params.code ?? '', upload.bytes, sha256Hex)
  if (!checked) throw notFound()
  return data<ActionData>({ error: null, result: checked.format ?? 'none', filename: upload.filename })
}

export default function VerifyCode() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  return (
    <main className="narrow" data-testid="verify-page">
      <p>
        <Link to="/verify">← 报告验证</Link>
      </p>
      <h1>报告验证：{d.code}</h1>
      {d.superseded ? <p className="warning">该报告之后已有更新的签发版本，请以最新签发版本为准。</p> : <p className="notice">该验证码对应一份已签发的报告。</p>}
      <dl className="facts">
        <dt>报告</dt>
        <dd>{d.title}</dd>
        <dt>文书类型</dt>
        <dd>{d.kind}</dd>
        <dt>评价机构</dt>
        <dd>{d.agency}</dd>
        <dt>委托方</dt>
        <dd>{d.bureau}</dd>
        <dt>签发时间</dt>
        <dd>{formatDateTime(d.issuedAt)}</dd>
        <dt>Word 文件 SHA-256</dt>
        <dd className="small mono">{d.docxSha256}</dd>
        <dt>PDF 文件 SHA-256</dt>
        <dd className="small mono">{d.pdfSha256}</dd>
      </dl>
      <div className="card">
        <h2>核对文件</h2>
        <p className="muted small">上传您收到的 Word 或 PDF 文件，系统逐字节比对是否与签发版本完全一致（文件只用于比对，不会保存）。</p>
        <Form method="post" encType="multipart/form-data" className="stack">
          <FormError error={a?.error ?? undefined} />
          <input type="file" name="file" accept=".docx,.pdf" aria-label="报告文件" />
          <div>
            <button type="submit">核对</button>
          </div>
        </Form>
        {a?.result === 'docx' || a?.result === 'pdf' ? (
          <p className="notice" role="status" data-testid="verify-match">
            {`一致：「${a.filename}」与签发的 ${a.result === 'docx' ? 'Word' : 'PDF'} 文件逐字节相同。`}
          </p>
        ) : a?.result === 'none' ? (
          <p className="form-error" role="alert" data-testid="verify-mismatch">
            {`不一致：「${a.filename}」不是该验证码对应的签发文件（可能经过修改、另存或转换）。`}
          </p>
        ) : null}
      </div>
    </main>
  )
}
