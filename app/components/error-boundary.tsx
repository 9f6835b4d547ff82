import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'

const MESSAGES: Record<number, string> = {
  400: '请求有误，请检查后重试。',
  403: '您无权访问此页面。',
  404: '未找到您要访问的内容，或您无权查看。',
  405: '不支持此操作。',
  409: '数据已被他人修改，请刷新后重试。',
  413: '提交的内容过大。',
}

/** One error page for every route: a status-specific Chinese message, never a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  if (isRouteErrorResponse(error)) {
    return (
      <section className="error-page" role="alert">
        <h1>{error.status === 404 ? '未找到' : error.status === 403 ? '无权访问' : `出错了（${error.status}）`}</h1>
        <p>{MESSAGES[error.status] ?? '请求未能完成。'}</p>
        <p>
          <Link to="/dashboard">返回工作台</Link>
        </p>
      </section>
    )
  }
  return (
    <section className="error-page" role="alert">
      <h1>系统出错了</h1>
      <p>服务器处理请求时出错，已记录日志。请稍后重试，或联系系统管理员。</p>
      <p>
        <Link to="/dashboard">返回工作台</Link>
      </p>
    </section>
  )
}
