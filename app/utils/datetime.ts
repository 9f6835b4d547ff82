// Stored instants are UTC ISO strings (docs/decisions/003-time.md); people read Beijing time.
// One formatter for every page, so the same instant reads the same everywhere, on server and client.

const BEIJING = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** "2026-11-26 11:26", or with seconds "2026-11-26 11:26:09"; an unreadable value is shown as is. */
export function formatDateTime(iso: string, options: { seconds?: boolean } = {}): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const p = Object.fromEntries(BEIJING.formatToParts(date).map((part) => [part.type, part.value]))
  const time = options.seconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`
  return `${p.year}-${p.month}-${p.day} ${time}`
}
