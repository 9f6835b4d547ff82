// 规则试算 panel: pick a scored indicator, type the inputs its rule needs, see the suggested score
// and the reasoning. A GET form, so the result is a link that can be shared and works without JS.
import { Form } from '@remix-run/react'
import { pointsText } from '~/domain/indicators/rules'
import { RULE_TYPES, labelOf } from '~/domain/indicators/tree'
import type { RuleTrial } from '~/services/rule-trial.server'

export function RuleTrialPanel({ trial }: { trial: RuleTrial }) {
  const { leaves, chosen, result } = trial
  if (leaves.length === 0) return null
  return (
    <div className="card" data-testid="rule-trial" id="rule-trial">
      <h2>规则试算</h2>
      <p className="muted small">输入实际数据，按该指标的计分规则计算建议得分（不保存）。</p>
      <Form method="get" className="inline-form" preventScrollReset>
        <label>
          指标
          <select name="try" defaultValue={chosen?.code ?? ''}>
            <option value="">请选择</option>
            {leaves.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">选择</button>
      </Form>
      {chosen ? (
        <Form method="get" className="stack" key={chosen.code} preventScrollReset>
          <input type="hidden" name="try" value={chosen.code} />
          <input type="hidden" name="run" value="1" />
          <p>
            {chosen.name}（{pointsText(chosen.weight)} 分，{labelOf(RULE_TYPES, chosen.ruleType)}）
          </p>
          {chosen.fields.map((f) =>
            f.kind === 'checkbox' ? (
              <label key={f.name} className="check">
                <input type="checkbox" name={f.name} defaultChecked={f.value === 'on'} /> {f.label}
              </label>
            ) : f.kind === 'select' ? (
              <label key={f.name}>
                {f.label}
                <select name={f.name} defaultValue={f.value}>
                  {f.options?.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              <label key={f.name}>
                {f.label}
                <input name={f.name} defaultValue={f.value} inputMode="decimal" maxLength={30} />
              </label>
            ),
          )}
          <div>
            <button type="submit">计算建议得分</button>
          </div>
          {result ? (
            result.ok ? (
              <p className="notice" role="status" data-testid="trial-result">
                建议得分 <strong>{pointsText(result.score)} 分</strong>：{result.reasoning}
              </p>
            ) : (
              <p className="field-error" role="alert">
                {result.message}
              </p>
            )
          ) : null}
        </Form>
      ) : null}
    </div>
  )
}
