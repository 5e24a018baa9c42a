// Benchmark: the cost estimator (lib/economics) on the reference province, with the guard savings just measured by
// bench/rekognition.ts vs no guard saving anything. Prints "n/a" figures when the estimator is not available.
import { readFileSync } from 'node:fs';
import { writeResult } from './util.ts';

const rekognitionFile = process.env.BENCH_REKOGNITION_RESULT;
const measured = rekognitionFile ? (JSON.parse(readFileSync(rekognitionFile, 'utf8')) as { savingsByGuard?: unknown }) : undefined;

try {
  const { referenceCost, REFERENCE } = await import('../lib/economics/reference.ts');
  const { loadPriceFile } = await import('../lib/economics/prices.ts');
  const { savingsFromResults } = await import('../lib/economics/savings.ts');
  const savings = measured?.savingsByGuard ? savingsFromResults({ savingsByGuard: measured.savingsByGuard }, 'bench/results.json') : undefined;
  const c = referenceCost(loadPriceFile(), savings ? { savings: savings.savings, savingsSource: savings.source } : {});
  writeResult({
    reference: REFERENCE,
    provinceMonthUsd: c.provinceMonthUsd,
    continuousProvinceMonthUsd: c.continuousProvinceMonthUsd,
    cappedProvinceMonthUsd: c.cappedProvinceMonthUsd,
    imagesPerMonth: c.imagesPerMonth,
    continuousImagesPerMonth: c.continuousImagesPerMonth,
    savings: c.savings,
    savingsSource: c.savingsSource,
  });
} catch (e) {
  const missing = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
  if (!missing) throw e;
  writeResult({ provinceMonthUsd: null, continuousProvinceMonthUsd: null, note: 'n/a (estimator not available)' });
}
