// Worker threads do not inherit tsx's loader: register it here, then run the TypeScript worker
// named in workerData.script (the project's .ts files are CommonJS to tsx).
const { workerData } = require('node:worker_threads')
require('tsx/cjs/api').register()
require(workerData.script)
