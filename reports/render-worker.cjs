// Piscina loads this file in each worker thread. Workers do not inherit tsx's loader, so register
// it here, then hand over the TypeScript job (its default export).
require('tsx/cjs/api').register()
const job = require('./render-job.ts')
module.exports = job.default ?? job
