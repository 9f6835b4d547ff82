// The generic file store on a real database directory: the type comes from the bytes (an HTML page
// called 报告.pdf is refused, a PDF called x.exe is kept as a PDF), Word/Excel packages are checked
// inside (macros, bombs, missing parts), hostile names never reach the path, the size is capped, and
// nothing is ever overwritten or changed; tampered bytes are not served.
import fs from 'node:fs'
import path from 'node:path'
import { zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { storedFiles } from '../db/schema'
import { cleanOriginalName, copyStore, discardFile, filesRoot, openStoredFile, prepareFile, recordFile, sniffKind } from '../app/files/store.server'
import { actorOf } from './helpers/panel-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let userId: string
const at = new Date('2026-06-01T01:00:00.000Z')

beforeAll(async () => {
  temp = await makeDemoDb(at)
  db = temp.db
  userId = actorOf(db, 'unit.edu').userId
})
afterAll(() => temp?.cleanup())

const enc = (s: string) => new TextEncoder().encode(s)
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)])
const JPG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 2)])
const office = (members: Record<string, Uint8Array>) => Buffer.from(zipSync(members))
const DOCX = office({ '[Content_Types].xml': enc('<Types/>'), 'word/document.xml': enc('<w:document/>') })
const XLSX = office({ '[Content_Types].xml': enc('<Types/>'), 'xl/workbook.xml': enc('<workbook/>') })

async function store(bytes: Buffer, filename: string, maxBytes?: number) {
  const prepared = await prepareFile(db, { bytes, filename }, maxBytes)
  if (prepared.ok) recordFile(db, prepared.file, userId, at)
  return prepared
}

describe('type by content', () => {
  test('PDF, DOCX, XLSX, JPG and PNG are recognized from their bytes', async () => {
    expect(await sniffKind(PDF)).toBe('pdf')
    expect(await sniffKind(DOCX)).toBe('docx')
    expect(await sniffKind(XLSX)).toBe('xlsx')
    expect(await sniffKind(JPG)).toBe('jpg')
    expect(await sniffKind(PNG)).toBe('png')
  })

  test('anything else is refused whatever its name says, including ZIPs that are not plain Office files', async () => {
    expect(await store(Buffer.from('<html><script>alert(1)</script></html>'), '报告.pdf')).toMatchObject({ ok: false, status: 415 })
    expect(await store(Buffer.from('MZ\x90\x00'), '整改说明.docx')).toMatchObject({ ok: false, status: 415 })
    expect(await sniffKind(office({ 'a.txt': enc('x') }))).toBeNull()
    expect(await sniffKind(office({ 'word/document.xml': enc('<w:document/>') }))).toBeNull()
    expect(await sniffKind(office({ '[Content_Types].xml': enc('<Types/>'), 'word/document.xml': enc('<w/>'), 'word/vbaProject.bin': enc('macro') }))).toBeNull()
    expect(await sniffKind(office({ '[Content_Types].xml': enc('<Types/>'), 'xl/workbook.xml': enc('<w/>'), 'xl/embeddings/inner.zip': enc('PK') }))).toBeNull()
    // A bomb: one member inflating 10 MiB of zeros from a few KiB.
    expect(await sniffKind(office({ '[Content_Types].xml': enc('<Types/>'), 'word/document.xml': new Uint8Array(10 * 1024 * 1024) }))).toBeNull()
    expect(await sniffKind(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]))).toBeNull()
    expect(db.select().from(storedFiles).all()).toHaveLength(0)
  })
})

describe('names, paths and sizes', () => {
  test('the stored name is random, under files/<2 hex>/ beside the database; the client name is metadata only', async () => {
    const stored = await store(PDF, '../../../etc/passwd')
    if (!stored.ok) throw new Error(stored.message)
    const root = filesRoot(db)
    expect(root).toBe(path.join(temp.dir, 'files'))
    const onDisk = path.join(root, stored.file.storageName.slice(0, 2), stored.file.storageName)
    expect(fs.readFileSync(onDisk)).toEqual(PDF)
    expect(stored.file.storageName).toMatch(/^[0-9a-f]{32}$/)
    expect(stored.file.originalName).toBe('passwd.pdf')
    expect(stored.file.mime).toBe('application/pdf')
    expect(fs.existsSync(path.join(temp.dir, 'etc'))).toBe(false)
  })

  test('hostile names are cleaned and always end in the real type', () => {
    expect(cleanOriginalName('C:\\Users\\x\\整改报告.exe', 'pdf')).toBe('整改报告.exe.pdf')
    expect(cleanOriginalName('a\u0000b<script>.PDF', 'pdf')).toBe('abscript.pdf')
    expect(cleanOriginalName('...', 'png')).toBe('附件.png')
    expect(cleanOriginalName(`${'长'.repeat(300)}.docx`, 'docx')).toBe(`${'长'.repeat(100)}.docx`)
    expect(cleanOriginalName('照片.jpeg', 'jpg')).toBe('照片.jpeg.jpg')
  })

  test('an empty file is 400 and one over the cap 413, and neither leaves a file behind', async () => {
    const before = fs.existsSync(filesRoot(db)) ? fs.readdirSync(filesRoot(db), { recursive: true }).length : 0
    expect(await store(Buffer.alloc(0), 'x.pdf')).toMatchObject({ ok: false, status: 400 })
    expect(await store(Buffer.concat([PDF, Buffer.alloc(2048)]), 'x.pdf', 1024)).toMatchObject({ ok: false, status: 413, message: '文件不能超过 0 MB' })
    expect(fs.readdirSync(filesRoot(db), { recursive: true }).length).toBe(before)
  })
})

describe('never replaced', () => {
  test('the same bytes twice are two files; rows refuse change and removal; discard removes only unrecorded bytes', async () => {
    const a = await store(PNG, '现场照片.png')
    const b = await store(PNG, '现场照片.png')
    if (!a.ok || !b.ok) throw new Error('refused')
    expect(a.file.storageName).not.toBe(b.file.storageName)
    expect(a.file.sha256).toBe(b.file.sha256)
    expect(() => db.$client.prepare('UPDATE stored_files SET original_name = ? WHERE id = ?').run('x.png', a.file.id)).toThrow(/final/)
    expect(() => db.$client.prepare('DELETE FROM stored_files WHERE id = ?').run(a.file.id)).toThrow(/final/)
    const pending = await prepareFile(db, { bytes: XLSX, filename: '台账.xlsx' })
    if (!pending.ok) throw new Error(pending.message)
    const where = path.join(filesRoot(db), pending.file.storageName.slice(0, 2), pending.file.storageName)
    expect(fs.existsSync(where)).toBe(true)
    discardFile(pending.file)
    expect(fs.existsSync(where)).toBe(false)
  })

  test('a stored file reads back with its row; bytes changed on disk are not served', async () => {
    const s = await store(DOCX, '整改方案.docx')
    if (!s.ok) throw new Error(s.message)
    const read = openStoredFile(db, s.file.id)
    expect(read?.kind).toBe('docx')
    expect(read?.bytes).toEqual(DOCX)
    expect(read?.row.originalName).toBe('整改方案.docx')
    fs.writeFileSync(path.join(filesRoot(db), s.file.storageName.slice(0, 2), s.file.storageName), Buffer.concat([DOCX, Buffer.from('x')]))
    expect(openStoredFile(db, s.file.id)).toBeUndefined()
    expect(openStoredFile(db, 'nope')).toBeUndefined()
  })
})

describe('backup of the store', () => {
  test('copies every stored file beside the backup, checking hashes, and names a damaged one', async () => {
    const kept = await store(PDF, '备份用.pdf')
    if (!kept.ok) throw new Error('not stored')
    const target = path.join(path.dirname(filesRoot(db)), 'backup.files')
    const copied = copyStore(db, target)
    const rows = db.select().from(storedFiles).all()
    // Every row is either copied or reported (an earlier test tampered with one file on purpose).
    expect(copied.files + copied.damaged.length).toBe(rows.length)
    expect(copied.damaged).not.toContain(kept.file.id)
    const name = kept.file.storageName
    expect(fs.readFileSync(path.join(target, name.slice(0, 2), name)).equals(PDF)).toBe(true)
    // A file altered at the source is not copied and is reported.
    fs.writeFileSync(path.join(filesRoot(db), name.slice(0, 2), name), Buffer.from('%PDF-changed'))
    expect(copyStore(db, path.join(path.dirname(filesRoot(db)), 'backup2.files')).damaged).toEqual([...copied.damaged, kept.file.id].sort())
  })
})
