import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { clearSessionCookie, getSessionUser } from '~/auth/session.server'
import { now } from '~/clock.server'
import { logout } from '~/services/account.server'

// Logout is a POST only: a GET never changes state.
export async function loader() {
  throw redirect('/dashboard')
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await getSessionUser(request)
  if (user) logout(getDb(), user, now())
  throw redirect('/login', { headers: { 'Set-Cookie': await clearSessionCookie() } })
}
