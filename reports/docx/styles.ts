// Paragraph styles in the spirit of GB/T 9704-2012: body 仿宋 三号 on a fixed 28.9 pt line (22 lines on an A4
// text block of 225 mm), headings 黑体 / 楷体 / 仿宋 bold / 仿宋, tables 宋体 五号. Every style names its fonts in
// full (fontsOf), so a paragraph looks the same whatever the reader's Normal template says.
import { AlignmentType, BorderStyle, LineRuleType, type IParagraphStyleOptions, type ISpacingProperties, type IStylesOptions } from 'docx'
import { fontsOf, SIZE, type Face } from './fonts'

/** One line of body text: 三号 (16 pt) on a 28.9 pt grid. */
export const BODY_LINE = 578
/** Two characters of 三号 text, the first-line indent of body paragraphs. */
export const TWO_CHARS = 640

export const STYLE = {
  plain: 'BodyPlain',
  signature: 'Signature',
  note: 'Note',
  tableText: 'TableText',
  tableCaption: 'TableCaption',
  coverTitle: 'CoverTitle',
  coverSubtitle: 'CoverSubtitle',
  coverLine: 'CoverLine',
  coverNote: 'CoverNote',
  tocTitle: 'TocTitle',
  runningHeader: 'RunningHeader',
  pageNumber: 'PageNumberLine',
  footerNote: 'FooterNote',
} as const

const exact = (line: number, before = 0, after = 0) => ({ line, lineRule: LineRuleType.EXACT, before, after })
const single = (before = 0, after = 0) => ({ line: 240, lineRule: LineRuleType.AUTO, before, after })
const noIndent = { firstLine: 0, firstLineChars: 0, left: 0 }
const centered = (spacing: ISpacingProperties = single()) => ({ alignment: AlignmentType.CENTER, indent: noIndent, spacing })

function style(id: string, name: string, face: Face, size: number, paragraph: IParagraphStyleOptions['paragraph'], bold = false): IParagraphStyleOptions {
  return {
    id,
    name,
    basedOn: 'Normal',
    next: 'Normal',
    quickFormat: true,
    run: { font: fontsOf(face), size, sizeComplexScript: size, bold },
    paragraph,
  }
}

function headingStyle(face: Face, level: number, bold = false) {
  return {
    run: { font: fontsOf(face), size: SIZE.san, sizeComplexScript: SIZE.san, bold, color: '000000' },
    paragraph: {
      spacing: exact(BODY_LINE),
      indent: { firstLine: TWO_CHARS, firstLineChars: 200 },
      keepNext: true,
      keepLines: true,
      outlineLevel: level - 1,
    },
  }
}

export function reportStyles(): IStylesOptions {
  return {
    default: {
      document: {
        run: {
          font: fontsOf('fangsong'),
          size: SIZE.san,
          sizeComplexScript: SIZE.san,
          language: { value: 'en-US', eastAsia: 'zh-CN' },
        },
        paragraph: {
          alignment: AlignmentType.JUSTIFIED,
          spacing: exact(BODY_LINE),
          indent: { firstLine: TWO_CHARS, firstLineChars: 200 },
        },
      },
      heading1: headingStyle('heiti', 1),
      heading2: headingStyle('kaiti', 2),
      heading3: headingStyle('fangsong', 3, true),
      heading4: headingStyle('fangsong', 4),
    },
    paragraphStyles: [
      style(STYLE.plain, 'Body Plain', 'fangsong', SIZE.san, { indent: noIndent }),
      style(STYLE.signature, 'Signature', 'fangsong', SIZE.san, { alignment: AlignmentType.RIGHT, indent: { ...noIndent, right: TWO_CHARS } }),
      style(STYLE.note, 'Note', 'fangsong', SIZE.xiaosi, { indent: noIndent, spacing: exact(400, 60) }),
      style(STYLE.tableText, 'Table Text', 'songti', SIZE.wu, { alignment: AlignmentType.LEFT, indent: noIndent, spacing: single() }),
      style(STYLE.tableCaption, 'Table Caption', 'heiti', SIZE.xiaosi, { ...centered(exact(400, 120, 60)), keepNext: true }),
      style(STYLE.coverTitle, 'Cover Title', 'title', SIZE.er, centered(exact(760, 1800))),
      style(STYLE.coverSubtitle, 'Cover Subtitle', 'kaiti', SIZE.san, centered(exact(BODY_LINE, 240))),
      style(STYLE.coverLine, 'Cover Line', 'fangsong', SIZE.san, centered(exact(BODY_LINE))),
      style(STYLE.coverNote, 'Cover Note', 'fangsong', SIZE.xiaosi, centered(exact(360))),
      style(STYLE.tocTitle, 'TOC Heading', 'title', SIZE.er, centered(exact(760, 0, 240))),
      style('TOC1', 'toc 1', 'fangsong', SIZE.san, { indent: noIndent, alignment: AlignmentType.LEFT }),
      style('TOC2', 'toc 2', 'fangsong', SIZE.san, { indent: { ...noIndent, left: TWO_CHARS }, alignment: AlignmentType.LEFT }),
      style(STYLE.runningHeader, 'Running Header', 'songti', SIZE.xiaowu, {
        ...centered(),
        border: { bottom: { style: BorderStyle.SINGLE, size: 6, space: 1, color: '000000' } },
      }),
      style(STYLE.pageNumber, 'Page Number Line', 'songti', SIZE.si, centered()),
      style(STYLE.footerNote, 'Footer Note', 'songti', SIZE.xiaowu, centered()),
    ],
  }
}
