/**
 * Decompression-bomb check for PDF. pdf.js unpacks a page's content stream whole and synchronously,
 * so nothing can interrupt it: a 400 KB PDF whose content inflates to 800 MB takes ~18 s and 2.5 GB.
 * Before pdf.js sees the file, every stream is unpacked here through the filters pdf.js would apply
 * (Flate, LZW, RunLength, ASCIIHex, ASCII85), counting output bytes and stopping at the cap.
 * Image codecs (DCT, JPX, JBIG2, CCITT) end a chain: text extraction does not decode images.
 * Images are not charged to the shared budget (a slide deck holds many large lossless pictures), but
 * each must unpack to no more than its declared width × height: an "image" that is really a bomb
 * used as page content is caught all the same.
 * Streams of an encrypted PDF cannot be unpacked without decrypting them and are not counted.
 */
import { constants, inflateSync } from 'node:zlib';

/** Thrown when the streams unpack to more than the cap. */
export class UnpackedTooLarge extends Error {
  override readonly name = 'UnpackedTooLarge';
}

/** The decoded bytes, or null when they would pass `cap`. */
type Decoder = (input: Uint8Array, cap: number, dictionary: string) => Uint8Array | null;

const DECODERS: Readonly<Record<string, Decoder>> = {
  FlateDecode: inflate,
  Fl: inflate,
  LZWDecode: lzwDecode,
  LZW: lzwDecode,
  RunLengthDecode: runLengthDecode,
  RL: runLengthDecode,
  ASCIIHexDecode: asciiHexDecode,
  AHx: asciiHexDecode,
  ASCII85Decode: ascii85Decode,
  A85: ascii85Decode,
};

const DICTIONARY_WINDOW = 64 * 1024;

export function checkPdfStreams(bytes: Uint8Array, maxUnpackedBytes: number, checkTime: () => void): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let budget = maxUnpackedBytes;
  let search = 0;
  for (;;) {
    const keyword = buffer.indexOf('stream', search, 'latin1');
    if (keyword < 0) return;
    search = keyword + 6;
    if (!followsDictionary(buffer, keyword)) continue;
    let start = keyword + 6;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] === 0x0a) start++;
    if (start === keyword + 6) continue;

    // The dictionary: from the object's "N G obj" header to the stream keyword.
    const window = buffer.toString('latin1', Math.max(0, keyword - DICTIONARY_WINDOW), keyword);
    const headers = [...window.matchAll(/\d+\s+\d+\s+obj\b/g)];
    const dictionary = window.slice(headers.at(-1)?.index ?? 0);

    // pdf.js trusts /Length when it is right and searches for endstream when it is not: cover both.
    const marker = buffer.indexOf('endstream', start, 'latin1');
    const declared = declaredLength(buffer, dictionary);
    const end = Math.min(buffer.length, Math.max(marker < 0 ? buffer.length : marker, declared === null ? 0 : start + declared));

    const imageSize = declaredImageSize(dictionary);
    let data: Uint8Array = bytes.subarray(start, end);
    const filters = filterNames(dictionary);
    // Flate data whose filter this scan could not read (a dictionary crafted to mislead it) is still Flate.
    if (filters.length === 0 && looksLikeZlib(data)) filters.push('FlateDecode');
    for (const filter of filters) {
      const decode = DECODERS[filter];
      if (!decode) break;
      const decoded = decode(data, imageSize === null ? budget : Math.min(imageSize, maxUnpackedBytes), dictionary);
      if (decoded === null) throw new UnpackedTooLarge();
      if (imageSize === null) budget -= decoded.length;
      data = decoded;
    }
    checkTime();
  }
}

function followsDictionary(buffer: Buffer, keyword: number): boolean {
  let at = keyword - 1;
  while (at >= 0 && isWhiteSpace(buffer[at] as number)) at--;
  return at >= 1 && buffer[at] === 0x3e && buffer[at - 1] === 0x3e;
}

function declaredLength(buffer: Buffer, dictionary: string): number | null {
  const match = /\/Length\s+(\d+)(?:\s+(\d+)\s+R)?/.exec(dictionary);
  if (!match) return null;
  const [, value, generation] = match;
  if (generation === undefined) return Number(value);
  // An indirect length: "N G obj <integer>" elsewhere in the file.
  const header = `${value} ${generation} obj`;
  for (let at = buffer.indexOf(header, 0, 'latin1'); at >= 0; at = buffer.indexOf(header, at + 1, 'latin1')) {
    if (at > 0 && !isWhiteSpace(buffer[at - 1] as number)) continue;
    const found = /^\s*(\d+)/.exec(buffer.toString('latin1', at + header.length, at + header.length + 32));
    if (found?.[1] !== undefined) return Number(found[1]);
  }
  return null;
}

const COLOUR_COMPONENTS: Readonly<Record<string, number>> = { DeviceGray: 1, CalGray: 1, DeviceRGB: 3, CalRGB: 3, Lab: 3, DeviceCMYK: 4 };
const ROW_SLACK = 1; // PNG predictors add one tag byte per row
const IMAGE_SLACK = 64 * 1024;

/** The most bytes an image XObject can honestly unpack to, or null when the stream is not an image. */
function declaredImageSize(dictionary: string): number | null {
  if (!/\/Subtype\s*\/Image\b/.test(dictionary)) return null;
  const number = (key: string): number | null => {
    const value = new RegExp(`/${key}\\s+(\\d+)`).exec(dictionary)?.[1];
    return value === undefined ? null : Number(value);
  };
  const width = number('Width');
  const height = number('Height');
  if (width === null || height === null) return null;
  const mask = /\/ImageMask\s+true/.test(dictionary);
  const colourSpace = /\/ColorSpace\s*\/(\w+)/.exec(dictionary)?.[1];
  // Unknown or indirect colour spaces (ICC, Indexed…): assume the widest, four components.
  const components = mask ? 1 : (colourSpace === undefined ? undefined : COLOUR_COMPONENTS[colourSpace]) ?? 4;
  const bits = mask ? 1 : Math.min(16, number('BitsPerComponent') ?? 8);
  return (Math.ceil((width * components * bits) / 8) + ROW_SLACK) * height + IMAGE_SLACK;
}

function filterNames(dictionary: string): string[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()]+)/.exec(dictionary);
  if (!match?.[1]) return [];
  return [...match[1].matchAll(/\/([^\s/[\]<>()]+)/g)].map((name) => name[1] as string);
}

/** A zlib header: deflate method, and the check bits pdf.js also verifies. */
function looksLikeZlib(data: Uint8Array): boolean {
  const [method, flags] = data;
  return method !== undefined && flags !== undefined && (method & 0x0f) === 8 && ((method << 8) | flags) % 31 === 0;
}

function isWhiteSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}

/** Output that stops growing once it passes the cap. */
class CappedOutput {
  #bytes = new Uint8Array(4096);
  length = 0;
  constructor(private readonly cap: number) {}

  get full(): boolean {
    return this.length > this.cap;
  }

  push(byte: number): void {
    if (this.full) return;
    if (this.length === this.#bytes.length) this.#grow(this.length + 1);
    this.#bytes[this.length++] = byte;
  }

  append(chunk: Uint8Array): void {
    const room = this.cap + 1 - this.length;
    const part = chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk;
    if (this.length + part.length > this.#bytes.length) this.#grow(this.length + part.length);
    this.#bytes.set(part, this.length);
    this.length += part.length;
  }

  result(): Uint8Array | null {
    return this.full ? null : this.#bytes.subarray(0, this.length);
  }

  #grow(needed: number): void {
    const grown = new Uint8Array(Math.min(this.cap + 1, Math.max(needed, this.#bytes.length * 2)));
    grown.set(this.#bytes.subarray(0, this.length));
    this.#bytes = grown;
  }
}

function inflate(input: Uint8Array, cap: number): Uint8Array | null {
  try {
    // Z_SYNC_FLUSH: a stream cut short yields what it holds, as it does in pdf.js.
    return inflateSync(input, { maxOutputLength: cap + 1, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    // Damaged data: zlib reached the damage before the cap, so this stream alone stays under it.
    return new Uint8Array(0);
  }
}

function lzwDecode(input: Uint8Array, cap: number, dictionary: string): Uint8Array | null {
  const earlyChange = /\/EarlyChange\s+0/.test(dictionary) ? 0 : 1;
  const out = new CappedOutput(cap);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Int32Array(4096);
  for (let code = 0; code < 256; code++) {
    suffix[code] = code;
    lengths[code] = 1;
  }
  const scratch = new Uint8Array(4096);
  const writeCode = (code: number): number => {
    const length = lengths[code] as number;
    for (let at = length - 1, current = code; at >= 0; at--) {
      scratch[at] = suffix[current] as number;
      current = prefix[current] as number;
    }
    out.append(scratch.subarray(0, length));
    return scratch[0] as number;
  };

  let next = 258;
  let codeLength = 9;
  let previous = -1;
  let bits = 0;
  let bitCount = 0;
  for (let at = 0; !out.full; ) {
    while (bitCount < codeLength && at < input.length) {
      bits = ((bits << 8) | (input[at++] as number)) & 0xffffff;
      bitCount += 8;
    }
    if (bitCount < codeLength) break;
    const code = (bits >>> (bitCount - codeLength)) & ((1 << codeLength) - 1);
    bitCount -= codeLength;
    if (code === 256) {
      next = 258;
      codeLength = 9;
      previous = -1;
      continue;
    }
    if (code === 257) break;
    if (previous < 0) {
      if (code > 255) break;
      writeCode(code);
      previous = code;
      continue;
    }
    let first: number;
    if (code < next) first = writeCode(code);
    else if (code === next) {
      first = writeCode(previous);
      out.push(first);
    } else break;
    if (next < 4096) {
      prefix[next] = previous;
      suffix[next] = first;
      lengths[next] = (lengths[previous] as number) + 1;
      next++;
    }
    previous = code;
    const threshold = next + earlyChange;
    codeLength = threshold >= 2048 ? 12 : threshold >= 1024 ? 11 : threshold >= 512 ? 10 : 9;
  }
  return out.result();
}

function runLengthDecode(input: Uint8Array, cap: number): Uint8Array | null {
  const out = new CappedOutput(cap);
  for (let at = 0; at < input.length && !out.full; ) {
    const length = input[at++] as number;
    if (length === 128) break;
    if (length < 128) {
      out.append(input.subarray(at, at + length + 1));
      at += length + 1;
    } else {
      const byte = input[at++];
      if (byte === undefined) break;
      for (let count = 257 - length; count > 0; count--) out.push(byte);
    }
  }
  return out.result();
}

function asciiHexDecode(input: Uint8Array, cap: number): Uint8Array | null {
  const out = new CappedOutput(cap);
  let high = -1;
  for (const byte of input) {
    if (byte === 0x3e || out.full) break;
    const value = hexValue(byte);
    if (value < 0) continue;
    if (high < 0) high = value;
    else {
      out.push((high << 4) | value);
      high = -1;
    }
  }
  if (high >= 0) out.push(high << 4);
  return out.result();
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

function ascii85Decode(input: Uint8Array, cap: number): Uint8Array | null {
  const out = new CappedOutput(cap);
  const group: number[] = [];
  for (const byte of input) {
    if (byte === 0x7e || out.full) break; // "~>" ends the data
    if (byte === 0x7a && group.length === 0) {
      for (let count = 0; count < 4; count++) out.push(0);
      continue;
    }
    if (byte < 0x21 || byte > 0x75) continue;
    group.push(byte - 0x21);
    if (group.length === 5) {
      pushAscii85Group(out, group, 4);
      group.length = 0;
    }
  }
  if (group.length > 1) {
    const kept = group.length - 1;
    while (group.length < 5) group.push(84);
    pushAscii85Group(out, group, kept);
  }
  return out.result();
}

function pushAscii85Group(out: CappedOutput, group: readonly number[], count: number): void {
  const value = group.reduce((sum, digit) => sum * 85 + digit, 0);
  for (let index = 0; index < count; index++) out.push(Math.floor(value / 256 ** (3 - index)) & 0xff);
}
