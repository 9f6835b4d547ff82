// Reads one uploaded file from a multipart form, in memory and size-capped while streaming
// (SECURITY.md §9): an oversized part stops the parse instead of filling memory or disk.
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'

export type Upload = { ok: true; bytes: Buffer; filename: string; fields: FormData } | { ok: false; status: 400 | 413; message: string }

/**
 * Response headers for a refused upload: after a 413 the rest of the body was never read, so the
 * connection must not be reused for the client's next request.
 */
export function uploadRefusalHeaders(status: number): HeadersInit | undefined {
  return status === 413 ? { Connection: 'close' } : undefined
}

/** With `optional`, a form sent without a file is read too (its fields, and empty bytes). */
export async function readUpload(request: Request, opts: { field: string; maxBytes: number; optional?: boolean }): Promise<Upload> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^multipart\/form-data\s*;/i.test(type)) return { ok: false, status: 400, message: '请选择要上传的文件' }
  let fields: FormData
  try {
    fields = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: opts.maxBytes }))
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { ok: false, status: 413, message: `文件不能超过 ${Math.floor(opts.maxBytes / 1024 / 1024)} MB` }
    return { ok: false, status: 400, message: '上传内容无法读取，请重新选择文件' }
  }
  const file = fields.get(opts.field)
  if (!file || typeof file === 'string' || file.size === 0) {
    return opts.optional ? { ok: true, bytes: Buffer.alloc(0), filename: '', fields } : { ok: false, status: 400, message: '请选择要上传的文件' }
  }
  // The client's name is metadata only: never a path, cleaned and capped.
  const filename = file.name.replace(/[\u0000-\u001f\u007f/\\]/g, '').slice(0, 200)
  return { ok: true, bytes: Buffer.from(await file.arrayBuffer()), filename, fields }
}
