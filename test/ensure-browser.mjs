// Browser tests never skip silently: make sure Debian's chromium (and CJK fonts) are present,
// installing them when we can (root with apt), otherwise stop with the command that does it.
// The DOCX test (test/docx-libreoffice.test.ts) needs LibreOffice and pdftotext the same way.
import { execSync } from 'node:child_process'
import fs from 'node:fs'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const fontsPresent = () => fs.existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')
const officePresent = () => fs.existsSync('/usr/bin/soffice') && fs.existsSync('/usr/bin/pdftotext')
if (fs.existsSync(chromium) && fontsPresent() && officePresent()) process.exit(0)

const command = 'apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk libreoffice-writer-nogui fonts-liberation2 poppler-utils'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
let hasApt = false
try {
  execSync('command -v apt-get', { stdio: 'ignore' })
  hasApt = true
} catch {
  hasApt = false
}
if (isRoot && hasApt) {
  console.log(`浏览器与 DOCX 转换测试需要 chromium、LibreOffice、pdftotext 与中文字体，正在安装：${command}`)
  execSync(command, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  process.exit(0)
}
console.error(`浏览器与 DOCX 转换测试需要 Debian 的 chromium、fonts-noto-cjk、libreoffice-writer-nogui 与 poppler-utils。请先运行：\n  sudo sh -c '${command}'`)
process.exit(1)
