// Limits of the file store that pages print too (kept out of *.server modules, which the client
// bundle drops). One file per upload, within the server's 6 MiB cap on an upload request body.
export const MAX_STORED_FILE_BYTES = 5 * 1024 * 1024
export const MAX_STORED_FILE_MB = MAX_STORED_FILE_BYTES / 1024 / 1024
