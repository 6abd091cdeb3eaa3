import { baselineFor, measureSuite, type ModeInput } from './mode.js';
import { concludeRun } from './conclude.js';

/**
 * One job measures the suite (both variants in base-ref/variants mode, else the head against the
 * stored baseline) and concludes: report, gate, and on a trusted push store the baseline.
 */
export async function runGateMode(m: ModeInput): Promise<void> {
  const { config, event } = m;
  const paired = config.compare === 'base-ref' || config.compare === 'variants';
  const { store, lookup } = await baselineFor(m, paired);
  const out = await measureSuite(m, {
    title: 'perfgate: measure',
    baseline: lookup.results,
    noBaselineReason: lookup.reason,
    // A trusted push becomes the next baseline: it measures its whole budget.
    stopEarly: !(event.kind === 'trusted-push' && !paired),
  });
  await concludeRun(m, { results: out.results, analysis: out.analysis, lookup, store, paired, commits: paired ? out.commits : null });
}
