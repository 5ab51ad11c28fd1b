import { readLabelledSet } from './bench/lib/pii-labels.ts'
import { detectPii } from './src/modules/privacy/pii-detectors.ts'
const page = readLabelledSet().find((p) => p.file.startsWith('footage'))!
console.log(page.text.slice(0, 900))
for (let i = 0; i < 3; i++) { const t0 = performance.now(); detectPii(page.text); console.log((performance.now() - t0).toFixed(1)) }
