// 委托信用提示: the agency's credit when the engagement was commissioned (grade D or blacklisted),
// shown as a red notice on the engagement page and as a badge in the bureau's lists.
import { Link } from '@remix-run/react'

export type CommissionFlag = { agencyId: string; headline: string; reasons: string[]; basis: string }

export function CommissionFlagNotice({ flag }: { flag: CommissionFlag }) {
  return (
    <div className="notice danger" role="alert" data-testid="commission-flag">
      <strong>{flag.headline}</strong>
      <ul>
        {flag.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <p className="small">
        {flag.basis}。信用提示不影响项目的创建与委托，由财政部门审慎决定。<Link to={`/credit/${flag.agencyId}`}>查看该机构信用档案</Link>
      </p>
    </div>
  )
}

export function CommissionFlagBadge({ flag }: { flag: CommissionFlag }) {
  return (
    <Link to={`/credit/${flag.agencyId}`} className="badge off" title={[flag.headline, ...flag.reasons].join('；')} data-testid="commission-flag-badge">
      委托信用提示
    </Link>
  )
}
