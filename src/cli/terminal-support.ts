/**
 * What the terminal on the other end of stdout can show, decided once at the edge (cli.ts) from
 * the process's facts and passed in: the report never reads process globals.
 *
 * - colour: a TTY, and NO_COLOR unset or empty (https://no-color.org);
 * - Unicode block characters (the one-line charts): the same, and not TERM=dumb, and a UTF-8
 *   locale where one is set (LC_ALL, then LC_CTYPE, then LANG, the order setlocale reads them);
 *   with none set a modern terminal is assumed. On Windows the console's code page is not UTF-8 by
 *   default, so only Windows Terminal (WT_SESSION) and terminals that name themselves
 *   (TERM_PROGRAM, e.g. VS Code's) count. Output piped to a file or a CI log is plain text.
 */

export interface TerminalFacts {
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
}

export interface TerminalSupport {
  color: boolean;
  unicode: boolean;
}

function utf8Locale(env: TerminalFacts['env']): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG;
  if (!locale) return true;
  return /utf-?8/i.test(locale);
}

export function terminalSupport({ isTTY, env, platform }: TerminalFacts): TerminalSupport {
  const color = isTTY && !env.NO_COLOR;
  if (!color || env.TERM === 'dumb') return { color, unicode: false };
  const unicode = platform === 'win32' ? Boolean(env.WT_SESSION || env.TERM_PROGRAM) : utf8Locale(env);
  return { color, unicode };
}
