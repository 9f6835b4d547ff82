// Handlebars for the generated narrative. The output goes into DOCX/PDF text runs, never HTML, so
// templates compile with noEscape; and strict, so a variable a template names but the context lacks
// is an error when the template runs (in the tests), not a blank in a report. The stock `if`,
// `unless` and `each` take a missing value silently, so they are replaced by ones that refuse it,
// and every formatting helper refuses a missing argument: contexts carry false, 0 or '' instead.
//
// Templates are read from disk at runtime by the server and the CLI. Like the migrations, they are
// found from the working directory (the server bundle runs from build/, not beside templates/);
// EVALDESK_TEMPLATES_DIR overrides it for a deployment that keeps them elsewhere.
import fs from 'node:fs'
import path from 'node:path'
import Handlebars from 'handlebars'
import { chineseDate, circled, listJoin, period, points, rate, wanYuan, weight } from '../format'
import { labelled, paragraph, type Block } from '../document'

export type TemplateGroup = 'common' | 'evaluation' | 'ex-ante' | 'plan' | 'score-sheets'

export function templatesDir(): string {
  return path.resolve(process.env.EVALDESK_TEMPLATES_DIR ?? path.join(process.cwd(), 'templates'))
}

function defined<T>(helper: string, value: T | undefined): T {
  if (value === undefined) throw new Error(`template helper ${helper}: missing argument`)
  return value
}

type Options = Handlebars.HelperOptions

function createEngine(): typeof Handlebars {
  const hb = Handlebars.create()
  const stock = { if: hb.helpers.if!, unless: hb.helpers.unless!, each: hb.helpers.each! }
  for (const name of ['if', 'unless', 'each'] as const) {
    hb.registerHelper(name, function (this: unknown, value: unknown, options: Options) {
      return stock[name].call(this, defined(`#${name}`, value), options) as string
    })
  }
  hb.registerHelper('fmtPoints', (h: number | undefined) => points(defined('fmtPoints', h)))
  hb.registerHelper('fmtWeight', (h: number | undefined) => weight(defined('fmtWeight', h)))
  hb.registerHelper('fmtRate', (score: number | undefined, of: number | undefined) => rate(defined('fmtRate', score), defined('fmtRate', of)))
  hb.registerHelper('fmtWan', (fen: number | undefined) => wanYuan(defined('fmtWan', fen)))
  hb.registerHelper('fmtDate', (iso: string | undefined) => chineseDate(defined('fmtDate', iso)))
  hb.registerHelper('fmtPeriod', (start: string | undefined, end: string | undefined) => period(defined('fmtPeriod', start), defined('fmtPeriod', end)))
  hb.registerHelper('fmtList', (items: string[] | undefined) => listJoin(defined('fmtList', items)))
  // {{nth @index}}: ①②③ for the items of an #each.
  hb.registerHelper('nth', (index: number | undefined) => circled(defined('nth', index) + 1))
  return hb
}

const engine = createEngine()
const compiled = new Map<string, HandlebarsTemplateDelegate>()
let renderLog: Set<string> | null = null

/** Compiles a template source as every report template is compiled: strict, unescaped, our helpers. */
export function compileTemplate(source: string): HandlebarsTemplateDelegate {
  return engine.compile(source, { strict: true, noEscape: true })
}

function compiledTemplate(group: TemplateGroup, name: string): HandlebarsTemplateDelegate {
  const file = path.join(templatesDir(), group, `${name}.hbs`)
  let template = compiled.get(file)
  if (!template) {
    template = compileTemplate(fs.readFileSync(file, 'utf8'))
    compiled.set(file, template)
  }
  return template
}

/** Renders templates/<group>/<name>.hbs with the context; throws on a variable the context lacks. */
export function renderTemplate(group: TemplateGroup, name: string, context: object): string {
  renderLog?.add(`${group}/${name}`)
  try {
    return compiledTemplate(group, name)(context)
  } catch (e) {
    throw new Error(`template ${group}/${name}.hbs: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
}

/** Every template on disk as 'group/name', for the tests that render them all. */
export function listTemplates(): string[] {
  const root = templatesDir()
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      fs
        .readdirSync(path.join(root, d.name))
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => `${d.name}/${f.slice(0, -'.hbs'.length)}`),
    )
    .sort()
}

/** Runs fn and returns which templates it rendered: a composer test checks none is left unused. */
export function recordingRenders<T>(fn: () => T): { result: T; rendered: string[] } {
  const previous = renderLog
  renderLog = new Set()
  try {
    const result = fn()
    return { result, rendered: [...renderLog].sort() }
  } finally {
    renderLog = previous
  }
}

const LABELLED_LINE = /^【([^】]+)】(.*)$/

/**
 * Template output as blocks: one body paragraph per non-empty line, and 「【评价目的】…」 a paragraph
 * led by the bold label 「评价目的：」. Templates cannot make headings: only the composer numbers them.
 */
export function templateBlocks(text: string): Block[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const m = LABELLED_LINE.exec(line)
      return m ? labelled(`${m[1]}：`, m[2]!.trim()) : paragraph(line)
    })
}

/** Renders a template straight into blocks. */
export function renderBlocks(group: TemplateGroup, name: string, context: object): Block[] {
  return templateBlocks(renderTemplate(group, name, context))
}
