// Which faces the DOCX names, and how Word, WPS and LibreOffice are led to a real face.
//
// Runs and styles name the GB faces of official documents (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体) and the
// Windows faces 黑体/宋体 as `w:eastAsia`, with Times New Roman for ascii/hAnsi/cs, as a template from a
// finance bureau does: where the GB font is installed, Word and WPS use exactly it. The docx package has no
// option for a font's fallback (its `fonts` option only embeds font files), so we write word/fontTable.xml
// ourselves (see reproducible-package.ts): each face gets `w:altName` with the face Windows ships
// (FangSong/KaiTi/SimSun/SimHei, by their English family names, which Windows matches in any UI language),
// which Word uses when the named font is missing, plus charset 86 (GB2312), family, pitch and panose, which
// its font mapper falls back on when neither name is there. WPS maps the *_GB2312 names to its own 仿宋/楷体
// itself. LibreOffice ignores altName: the fontconfig aliases in reports/docx/fontconfig map the names there.
// `w:hint="eastAsia"` makes the ambiguous punctuation of Chinese text (“”‘’…—·) use the East Asian face.
import type { IFontAttributesProperties } from 'docx'

export const LATIN_FACE = 'Times New Roman'

type FaceSpec = {
  name: string
  altName: string
  panose1: string
  family: 'auto' | 'modern' | 'roman'
  pitch: 'fixed' | 'variable'
}

export const FACES = {
  /** 方正小标宋简体: the title face of GB/T 9704; 宋体 is the usual stand-in. */
  title: {
    name: '方正小标宋简体',
    altName: 'SimSun',
    panose1: '02000000000000000000',
    family: 'auto',
    pitch: 'variable',
  },
  fangsong: {
    name: '仿宋_GB2312',
    altName: 'FangSong',
    panose1: '02010609030101010101',
    family: 'modern',
    pitch: 'fixed',
  },
  kaiti: {
    name: '楷体_GB2312',
    altName: 'KaiTi',
    panose1: '02010609030101010101',
    family: 'modern',
    pitch: 'fixed',
  },
  heiti: {
    name: '黑体',
    altName: 'SimHei',
    panose1: '02010609060101010101',
    family: 'modern',
    pitch: 'fixed',
  },
  songti: {
    name: '宋体',
    altName: 'SimSun',
    panose1: '02010600030101010101',
    family: 'auto',
    pitch: 'variable',
  },
} as const satisfies Record<string, FaceSpec>

export type Face = keyof typeof FACES

/** The rFonts of a run or style in `face`: Latin text in Times New Roman, Chinese in the GB face. */
export function fontsOf(face: Face): IFontAttributesProperties {
  return {
    ascii: LATIN_FACE,
    hAnsi: LATIN_FACE,
    cs: LATIN_FACE,
    eastAsia: FACES[face].name,
    hint: 'eastAsia',
  }
}

/** word/fontTable.xml: every face the document names, with the fallbacks described above. */
export function fontTableXml(): string {
  const latin =
    `<w:font w:name="${LATIN_FACE}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>` +
    `<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>`
  const faces = Object.values(FACES).map(
    (f: FaceSpec) =>
      `<w:font w:name="${f.name}"><w:altName w:val="${f.altName}"/><w:panose1 w:val="${f.panose1}"/>` +
      `<w:charset w:val="86"/><w:family w:val="${f.family}"/><w:pitch w:val="${f.pitch}"/></w:font>`,
  )
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:fonts xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' +
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    latin +
    faces.join('') +
    '</w:fonts>'
  )
}

/** Type sizes of the Chinese scale, in half-points as WordprocessingML counts them. */
export const SIZE = { er: 44, san: 32, si: 28, xiaosi: 24, wu: 21, xiaowu: 18 } as const
