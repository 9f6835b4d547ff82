// Password length rules, shared by the server checks and the hints pages render.
export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 128
