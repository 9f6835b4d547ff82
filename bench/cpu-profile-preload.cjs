// Loaded into the benchmark's server through NODE_OPTIONS=--require (where --cpu-prof is not
// allowed): samples the main thread from start-up and writes a .cpuprofile to
// EVALDESK_CPU_PROFILE_DIR when the process exits (the server exits on SIGTERM).
const fs = require('node:fs')
const path = require('node:path')
const inspector = require('node:inspector')

const dir = process.env.EVALDESK_CPU_PROFILE_DIR
if (dir) {
  const session = new inspector.Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 500 })
  session.post('Profiler.start')
  process.on('exit', () => {
    // The in-process session answers synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (error, result) => {
      if (!error)
        fs.writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile))
    })
  })
}
