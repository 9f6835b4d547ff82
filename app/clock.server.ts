// The one place the server reads the clock; domain code gets `now` as a parameter.
export function now(): Date {
  return new Date()
}
