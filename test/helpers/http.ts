import { DEMO_PASSWORD } from '../../db/seed/demo'

/** A tiny cookie-carrying client for route tests against the real server. */
export class Client {
  cookie = ''
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit & { form?: Record<string, string | string[]> } = {}) {
    const headers = new Headers(init.headers)
    if (this.cookie) headers.set('Cookie', this.cookie)
    let body = init.body
    if (init.form) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(init.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one)
      body = params
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
    }
    if ((init.method ?? 'GET') !== 'GET' && !headers.has('Origin')) headers.set('Origin', this.base)
    const res = await fetch(this.base + path, { ...init, headers, body, redirect: 'manual' })
    const setCookie = res.headers.get('set-cookie')
    if (setCookie) {
      const pair = setCookie.split(';')[0]!
      this.cookie = pair.endsWith('=') ? '' : pair
    }
    return res
  }

  get(path: string) {
    return this.request(path)
  }

  post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>) {
    return this.request(path, { method: 'POST', form, headers })
  }

  async login(username: string, password = DEMO_PASSWORD) {
    const res = await this.post('/login', { username, password })
    if (res.status !== 302) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`)
    return this
  }
}

export async function loggedIn(base: string, username: string) {
  return new Client(base).login(username)
}
