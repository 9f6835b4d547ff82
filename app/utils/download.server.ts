// File downloads: always an attachment with a fixed type (SECURITY.md §9), the name in RFC 5987 form
// so Chinese file names survive, plus an ASCII fallback for old clients. nosniff (helmet) and
// Cache-Control: no-store come from server/app.ts for every response; the Remix adapter appends a
// route's headers to those, so naming no-store here too sent it twice.
export function attachment(bytes: Uint8Array, filename: string, contentType: string): Response {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  // A copy typed as Uint8Array<ArrayBuffer>, which is what BodyInit accepts.
  return new Response(Uint8Array.from(bytes), {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'Content-Length': String(bytes.byteLength),
    },
  })
}

/** A file name from user text: no path separators or control characters, bounded length. */
export function safeFileName(name: string, ext: string): string {
  const base = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').trim().slice(0, 80) || 'export'
  return `${base}.${ext}`
}
