import { loadSearchCorpus, openSearchBench } from './search-corpus.js'

const bench = await openSearchBench('load')
const started = Date.now()
const { pages, documentIds } = await loadSearchCorpus(bench.sql, bench.user.id, bench.agencies, 20_000, 20_261_201)
console.log(`${documentIds.length} documents, ${pages} pages in ${(Date.now() - started) / 1000} s`)
await bench.close()
