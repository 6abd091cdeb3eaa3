import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { Analysis } from '../../src/analyze/types.js';
import { renderComment, renderTerminal } from '../../src/report/index.js';
import { settingChange } from '../../src/report/load-settings.js';
import { code } from '../../src/report/markdown.js';
import type { LoadSettings } from '../../src/results/load-settings.js';
import type { Results } from '../../src/results/schema.js';
import { options, results, spread, trials } from '../analyze/builders.js';
import { artifactContext, tableTexts } from './fixtures.js';

const CLOSED_16: LoadSettings = {
  profile: 'closed', connections: 16, rate: null, durationMs: 2000, requestTimeoutMs: 10_000,
  method: 'GET', path: '/api/items', headers: {}, body: null, expectStatus: '2xx',
};

function run(settings: LoadSettings | null, level: { p50: number; throughput: number; cpu?: number }): Results {
  const cpu = level.cpu ?? 0.2;
  const r = results({ api: { head: trials(spread(1, 12, 0.02).map((w) => ({ p50: level.p50 * w, throughput: level.throughput / w, cpuMsPerRequest: cpu * w }))) } });
  return settings ? { ...r, scenarios: r.scenarios.map((s) => ({ ...s, loadSettings: settings })) } : r;
}

function compared(baseline: Results, head: Results): { analysis: Analysis; markdown: string; terminal: string } {
  const analysis = analyze({ baseline, head, options: options() });
  const context = artifactContext({ head, baseline });
  return { analysis, markdown: renderComment(analysis, context), terminal: renderTerminal(analysis, context, { color: false }) };
}

describe('the report of a baseline measured under other load settings', () => {
  const { markdown, terminal } = compared(
    run(CLOSED_16, { p50: 11, throughput: 1430 }),
    run({ ...CLOSED_16, profile: 'rate', rate: 300, durationMs: 1000 }, { p50: 2, throughput: 300, cpu: 0.46 }),
  );

  it('names the settings with both values under the scenario, and what is and is not tested', () => {
    const notice =
      "> ⚠️ Load settings differ from the baseline's (baseline → this run): profile `closed` → `rate`; rate none → 300 req/s; " +
      'duration 2 s → 1 s. Not comparable, so not tested: p50 latency, p90 latency, p99 latency, throughput, CPU per request ' +
      'and peak RSS. Still compared: error rate.';
    expect(markdown).toContain(`#### \`api\`\n\n${notice}\n\n| metric |`);
    expect(terminal).toContain(`\napi\n  ! ${notice.slice(5).replace(/`/g, '')}\n`);
  });

  it('shows the untested rows as not comparable, with both medians and no change', () => {
    const rows = tableTexts(markdown)[0]!;
    const throughput = rows.find((r) => r[0] === 'throughput')!;
    expect(throughput).toEqual(['throughput', '1,430 req/s', '300 req/s', '—', '—', '—', '⏭️ not comparable']);
    expect(rows.find((r) => r[0] === 'CPU per request')).toEqual(['CPU per request', '0.2 ms/req', '0.46 ms/req', '—', '—', '—', '⏭️ not comparable']);
    expect(rows.find((r) => r[0] === 'error rate')![6]).toBe('✅ unchanged');
    expect(terminal).toMatch(/^ {2}throughput\s+1,430 req\/s\s+300 req\/s\s+—\s+—\s+—\s+not comparable$/m);
  });

  it('passes, counting only what was compared, and warns at the top', () => {
    expect(markdown).toContain('### ✅ Pass — no performance regression');
    expect(markdown).toContain(
      'All 1 gated metric in 1 scenario stayed within their thresholds; nothing regressed. ' +
        '4 gated metrics were not compared: measured under other load settings than the baseline.',
    );
    expect(markdown).toContain("> ⚠️ Load settings differ from the baseline's in scenario `api`: a change of load is no change of the code");
    expect(terminal).toContain("! Load settings differ from the baseline's in scenario api: ");
  });
});

describe('load setting phrases', () => {
  it('headers by name, since their values are digests; the body as its digest', () => {
    const plain = (t: string) => t;
    expect(
      settingChange({ setting: 'headers', baseline: { authorization: 'sha256:1', accept: 'sha256:2' }, head: { authorization: 'sha256:3', 'x-trace': 'sha256:4' } }, code),
    ).toBe('headers: `authorization` has another value, `x-trace` added, `accept` removed');
    expect(settingChange({ setting: 'body', baseline: null, head: 'sha256:00ff' }, plain)).toBe('body none → sha256:00ff');
    expect(settingChange({ setting: 'request-timeout', baseline: 10_000, head: 2500 }, plain)).toBe('request-timeout 10 s → 2.5 s');
    expect(settingChange({ setting: 'connections', baseline: 16, head: 4 }, plain)).toBe('connections 16 → 4');
  });

  it('another request: nothing is compared, and the notice says so', () => {
    const { analysis, markdown } = compared(run(CLOSED_16, { p50: 11, throughput: 1430 }), run({ ...CLOSED_16, method: 'POST' }, { p50: 11, throughput: 1430 }));
    expect(analysis.verdict).toBe('pass');
    expect(markdown).toContain('method `GET` → `POST`. Not comparable, so not tested: p50 latency, p90 latency, p99 latency, throughput, error rate, CPU per request and peak RSS. Nothing else is compared.');
    expect(markdown).toContain('Nothing regressed. 5 gated metrics were not compared');
  });

  it('a baseline from before settings were recorded: one line at the top, nothing per scenario', () => {
    const { markdown, terminal } = compared(run(null, { p50: 11, throughput: 1430 }), run(CLOSED_16, { p50: 11, throughput: 1430 }));
    expect(markdown).toContain(
      "> ⚠️ The baseline's results file does not record the load settings (it comes from an older perfgate), so a change of " +
        'profile, connections, rate, duration or request since the baseline cannot be seen: everything is compared as before.',
    );
    expect(markdown).not.toContain('Load settings differ');
    expect(markdown).not.toContain('not comparable');
    expect(terminal).toContain("! The baseline's results file does not record the load settings");
  });

  it('the same settings: no notice at all', () => {
    const { markdown, terminal } = compared(run(CLOSED_16, { p50: 11, throughput: 1430 }), run(CLOSED_16, { p50: 11, throughput: 1430 }));
    expect(markdown).not.toMatch(/load settings/i);
    expect(terminal).not.toMatch(/load settings/i);
  });
});
