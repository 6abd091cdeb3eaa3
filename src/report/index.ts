/**
 * report/: pure rendering of an Analysis (no I/O, no clock). Posting the markdown is the GitHub
 * adapter's job; printing the terminal text is the CLI's.
 */
export type { BaselineProvenance, ReportContext } from './context.js';
export { COMMENT_LIMIT, JOB_SUMMARY_LIMIT_BYTES, commentMarker, renderComment, renderJobSummary } from './comment.js';
export { renderTerminal } from './terminal.js';
export { formatters } from './format.js';
export { headline, type Headline } from './headline.js';
