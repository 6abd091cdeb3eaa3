import { inflateRawSync } from 'node:zlib';

/**
 * Reads one file out of a downloaded artifact's zip archive, in memory and bounded. A baseline is
 * data from another run, so it is unpacked here rather than by @actions/artifact's streaming
 * extractor: that one writes every entry to disk before anything can be checked, and on a broken
 * archive it waits for a stream that never ends (30 s, five times over). Here a broken archive is
 * an error at once, and an entry is refused by its declared size before it is inflated.
 *
 * Layout (PKWARE APPNOTE.TXT): the end-of-central-directory record (4.3.16) at the end points at
 * the central directory (4.3.12), whose headers give each entry's method, CRC-32, sizes and the
 * offset of its local header (4.3.7), after which its data follows. ZIP64 and encrypted entries
 * are not needed for a results file and are refused.
 */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

export class ZipError extends Error {}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEndRecord(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes.
  const last = zip.length - 22;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new ZipError('it is not a zip archive (no end-of-central-directory record)');
}

function entries(zip: Buffer): Entry[] {
  const end = findEndRecord(zip);
  const count = zip.readUInt16LE(end + 10);
  const dirSize = zip.readUInt32LE(end + 12);
  const dirOffset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipError('it is a ZIP64 archive, which a results artifact never is');
  if (dirOffset + dirSize > end) throw new ZipError('its central directory lies outside the archive');
  const out: Entry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new ZipError(`its central directory is damaged at entry ${i + 1}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    out.push({
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/** Names of the files in an archive. */
export function zipEntryNames(zip: Buffer): string[] {
  return entries(zip).map((e) => e.name);
}

/**
 * The content of the entry `name`, or null when the archive has no such entry. Throws ZipError when
 * the archive is damaged, the entry is larger than `maxBytes`, or its CRC-32 does not match.
 */
export function readZipEntry(zip: Buffer, name: string, maxBytes: number): Buffer | null {
  const entry = entries(zip).find((e) => e.name === name);
  if (!entry) return null;
  if (entry.flags & 1) throw new ZipError(`${name} is encrypted`);
  if (entry.size > maxBytes) throw new ZipError(`${name} is ${entry.size} bytes unpacked, more than the ${maxBytes} allowed`);
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER) throw new ZipError(`the local header of ${name} is damaged`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length) throw new ZipError(`${name} is cut off: the archive ends before its data does`);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === STORED) data = Buffer.from(raw);
  else if (entry.method === DEFLATED) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (e) {
      throw new ZipError(`${name} cannot be inflated (${(e as Error).message})`);
    }
  } else throw new ZipError(`${name} uses compression method ${entry.method}; expected stored (0) or deflate (8)`);
  if (data.length !== entry.size) throw new ZipError(`${name} unpacks to ${data.length} bytes, not the ${entry.size} its header declares`);
  if (crc32(data) !== entry.crc) throw new ZipError(`${name} fails its CRC-32 check`);
  return data;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3), the checksum zip keeps of every entry. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
