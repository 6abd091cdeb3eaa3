import { capacityKind } from './capacity/index.js';
import { soakKind } from './soak/index.js';
import { spikeKind } from './spike/index.js';
import type { AnyTestKind } from './kind.js';

/** The kind of today's interleaved trials; it has its own path through measure/ and analyze/. */
export const COMPARE_KIND = 'compare';

/** Every test kind besides compare, by the name perfgate.yml uses. */
export const TEST_KINDS: Record<string, AnyTestKind> = {
  capacity: capacityKind,
  spike: spikeKind,
  soak: soakKind,
};

export const KIND_NAMES = [COMPARE_KIND, ...Object.keys(TEST_KINDS)];
