import { TEST_KINDS } from '../tests/registry.js';
import { VERSION } from '../version.js';

export const MAIN_HELP = `perfgate ${VERSION}: gate changes on the performance of an HTTP service

Usage:
  perfgate run [--config perfgate.yml] [--baseline FILE] [--output FILE] [options]
  perfgate run --compare base-ref --base-ref REF [options]
  perfgate compare BASE.json HEAD.json [--json OUT] [--markdown OUT]
  perfgate compare RESULTS.json            (one file holding both variants)
  perfgate run --shard K/N [--output FILE] [options]   (one shard of a suite, measured only)
  perfgate merge SHARD.json ... --output MERGED.json
  perfgate baseline fetch --repo OWNER/NAME [--suite S] [--output FILE]

Commands:
  run        start the service, measure it, compare with a baseline, print the verdict
  compare    analyse results files measured anywhere (also files merged from shards)
  merge      merge the results of every shard of a suite into one file
  baseline   fetch the newest trusted baseline of a repository's default branch

Options:
  -h, --help     show help (also after a command)
  -v, --version  print the version

Exit codes: 0 pass, 1 regression (or broken budget), 2 usage or config error, 3 runtime error.
`;

export const RUN_HELP = `Usage: perfgate run [--config perfgate.yml] [options]

Starts the service (--start), warms it up, measures interleaved trials, and compares them with a
baseline: a results file (--baseline), or the base commit measured side by side (--compare base-ref).

Options:
  --config FILE      perfgate.yml with scenarios, budgets and load settings
  --baseline FILE    results file to compare against (e.g. from 'perfgate baseline fetch')
  --output FILE      where to write the results (default perfgate-results.json)
  --json FILE        also write the analysis as JSON
  --markdown FILE    also write the report as markdown (as the PR comment would be)
  --save-baseline FILE  after a run, write the results with the baseline's history carried forward
  --test NAME        run only this test of perfgate.yml's tests list (repeat, or NAME,NAME)
  --shard K/N        measure only shard K of N (1 ≤ K ≤ N): a share of the scenarios balanced by
                     expected time, the same in every job; no verdict: merge the shards, then compare

Every perfgate.yml field can be given as a flag of the same name and overrides the file:
  --url URL  --start CMD  --port N  --ready-url URL  --compare artifact|base-ref|none
  --base-ref REF  --build CMD  --connections N  --profile closed|rate  --rate N
  --warmup 1s  --duration 2s  --rounds-per-process 2  --min-rounds N  --max-rounds N  --max-duration 3m
  --alpha 0.01  --thresholds "p99=10%,cpu=2%"  --budgets "p95=200ms,error-rate=1%"  ...

Test kinds (perfgate.yml's tests list; docs/configuration.md#tests):
  compare    interleaved trials of every variant, the fields above (the default)
${Object.values(TEST_KINDS).map((k) => `  ${k.kind.padEnd(10)} ${k.description}`).join('\n')}
`;

export const COMPARE_HELP = `Usage: perfgate compare BASE.json HEAD.json [--json OUT] [--markdown OUT]
       perfgate compare RESULTS.json [--json OUT] [--markdown OUT]

Analyses results files. With two files, the head variant of each is compared as independent
samples (Mann-Whitney U). With one file holding variants base and head (from base-ref mode), the
rounds are compared as pairs (Wilcoxon signed-rank).

Options:
  --config FILE      thresholds, budgets, alpha and gated metrics (same fields as for run)
  --json FILE        write the analysis as JSON
  --markdown FILE    write the report as markdown
`;

export const MERGE_HELP = `Usage: perfgate merge SHARD.json ... --output MERGED.json [--config perfgate.yml]

Merges the results files of every shard of a suite (perfgate run --shard K/N) into one results
file, as one job would have written it: compare it (perfgate compare BASE.json MERGED.json), or
keep it as a baseline. The shards must all be there, of the same suite, N and config hash, each
scenario in one shard only; every problem is named with its shard, file, scenario or hash.

Options:
  --output FILE      where to write the merged results (required)
  --config FILE      list the scenarios in this perfgate.yml's order (default: shard by shard)
`;

export const BASELINE_HELP = `Usage: perfgate baseline fetch --repo OWNER/NAME [--suite S] [--output FILE]

Downloads the newest trusted baseline artifact (perfgate-baseline-<suite>) of the repository's
default branch, with the same trust rules as the action, so a CI comparison can be reproduced:
  perfgate baseline fetch --repo me/app --output base.json && perfgate run --baseline base.json

Needs a token in GITHUB_TOKEN with read access to the repository's actions. GITHUB_API_URL
overrides the API address (GitHub Enterprise); https_proxy and no_proxy are honoured.
`;
