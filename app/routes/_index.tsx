import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { getSessionUser } from '~/auth/session.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request)
  throw redirect(user ? '/dashboard' : '/login')
}
