import { describe, expect, it } from 'vitest';
import { terminalSupport } from '../../src/cli/terminal-support.js';

describe('terminalSupport', () => {
  const tty = (env: Record<string, string | undefined>, platform = 'linux') => terminalSupport({ isTTY: true, env, platform });

  it('a UTF-8 TTY gets colour and block characters', () => {
    expect(tty({ LANG: 'en_US.UTF-8' })).toEqual({ color: true, unicode: true });
    expect(tty({ LC_ALL: 'C.utf8', LANG: 'C' })).toEqual({ color: true, unicode: true });
    // No locale at all: a modern terminal is assumed.
    expect(tty({})).toEqual({ color: true, unicode: true });
  });

  it('plain text when piped, with NO_COLOR, on a dumb terminal, or in a non-UTF-8 locale', () => {
    expect(terminalSupport({ isTTY: false, env: { LANG: 'en_US.UTF-8' }, platform: 'linux' })).toEqual({ color: false, unicode: false });
    expect(tty({ NO_COLOR: '1', LANG: 'en_US.UTF-8' })).toEqual({ color: false, unicode: false });
    expect(tty({ TERM: 'dumb' })).toEqual({ color: true, unicode: false });
    expect(tty({ LANG: 'C' })).toEqual({ color: true, unicode: false });
    // LC_ALL wins over LANG, as in setlocale.
    expect(tty({ LC_ALL: 'POSIX', LANG: 'en_US.UTF-8' })).toEqual({ color: true, unicode: false });
    // An empty NO_COLOR does not count (no-color.org).
    expect(tty({ NO_COLOR: '', LANG: 'en_US.UTF-8' }).unicode).toBe(true);
  });

  it('on Windows only terminals known to speak UTF-8', () => {
    expect(tty({}, 'win32')).toEqual({ color: true, unicode: false });
    expect(tty({ WT_SESSION: 'abc' }, 'win32')).toEqual({ color: true, unicode: true });
    expect(tty({ TERM_PROGRAM: 'vscode' }, 'win32')).toEqual({ color: true, unicode: true });
  });
});
