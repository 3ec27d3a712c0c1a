/**
 * Zip reading for .docx and .odt with zip-bomb caps: the central directory is checked (entry count,
 * declared sizes, encryption) before anything is unpacked, and unpacking stops at the declared size,
 * so a directory that lies about sizes cannot inflate past the caps either.
 */
import { inflateRawSync } from 'node:zlib';
import { formatMegabytes, UnreadableDocument, type DocumentLimits } from './limits.ts';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Reads and checks the central directory. `label` names the format in reasons (".docx"). */
export function readZipDirectory(bytes: Uint8Array, limits: DocumentLimits, label: string): ZipEntry[] {
  const damaged = (): UnreadableDocument => new UnreadableDocument(`the ${label} file is damaged`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfDirectory(view);
  if (end < 0) throw damaged();

  let entryCount = view.getUint16(end + 10, true);
  let directorySize = view.getUint32(end + 12, true);
  let directoryOffset = view.getUint32(end + 16, true);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_END_LOCATOR) throw damaged();
    const zip64End = safeNumber(view.getBigUint64(locator + 8, true));
    if (zip64End + 56 > bytes.length || view.getUint32(zip64End, true) !== ZIP64_END_OF_DIRECTORY) throw damaged();
    entryCount = safeNumber(view.getBigUint64(zip64End + 32, true));
    directorySize = safeNumber(view.getBigUint64(zip64End + 40, true));
    directoryOffset = safeNumber(view.getBigUint64(zip64End + 48, true));
  }
  if (entryCount > limits.maxZipEntries) {
    throw new UnreadableDocument(`the ${label} file holds too many parts (over ${limits.maxZipEntries})`);
  }
  if (directoryOffset + directorySize > bytes.length) throw damaged();

  const entries: ZipEntry[] = [];
  let declaredTotal = 0;
  let at = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== DIRECTORY_ENTRY) throw damaged();
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > bytes.length) throw damaged();

    // Zip64 keeps the real values in extra field 0x0001, in this order, for each field saturated at 0xffffffff.
    let extra = extraStart;
    while (extra + 4 <= extraStart + extraLength) {
      const id = view.getUint16(extra, true);
      const size = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const read64 = (): number => {
          if (field + 8 > extra + 4 + size) throw damaged();
          const value = safeNumber(view.getBigUint64(field, true));
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = read64();
        if (compressedSize === 0xffffffff) compressedSize = read64();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = read64();
      }
      extra += 4 + size;
    }

    if (flags & 0x0001) throw new UnreadableDocument(`the ${label} file is password-protected`);
    if (method !== STORED && method !== DEFLATED) throw damaged();
    declaredTotal += uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes) throw tooLargeUnpacked(label, limits);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(nameStart, extraStart)),
      method,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    at = next;
  }
  return entries;
}

/** Unpacks one entry; fails rather than produce more than the directory declared. */
export function unpackEntry(bytes: Uint8Array, entry: ZipEntry, label: string): Uint8Array {
  const damaged = (cause?: unknown): UnreadableDocument => new UnreadableDocument(`the ${label} file is damaged`, { cause });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) throw damaged();
  const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > bytes.length) throw damaged();
  const data = bytes.subarray(dataStart, dataEnd);

  let unpacked: Uint8Array = data;
  if (entry.method === DEFLATED && data.length > 0) {
    try {
      // zlib stops as soon as the output would pass the declared size.
      unpacked = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (error) {
      throw damaged(error);
    }
  }
  if (unpacked.length !== entry.uncompressedSize) throw damaged();
  return unpacked;
}

/** Unpacks every entry without keeping the output: proves that the declared sizes are true. */
export function verifyEntries(bytes: Uint8Array, entries: readonly ZipEntry[], label: string, checkTime: () => void): void {
  for (const entry of entries) {
    unpackEntry(bytes, entry, label);
    checkTime();
  }
}

export function tooLargeUnpacked(label: string, limits: DocumentLimits): UnreadableDocument {
  return new UnreadableDocument(`the ${label} file is too large when unpacked (over ${formatMegabytes(limits.maxUncompressedBytes)})`);
}

function findEndOfDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) return at;
  }
  return -1;
}

function safeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
