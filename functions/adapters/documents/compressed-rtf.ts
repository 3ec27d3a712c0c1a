/** Outlook's compressed RTF (MS-OXRTFCP): LZ77 over a 4 KB ring dictionary primed with common RTF. */

const COMPRESSED = 0x75465a4c; // "LZFu"
const UNCOMPRESSED = 0x414c454d; // "MELA"
const HEADER_SIZE = 16;
const DICTIONARY_SIZE = 4096;

export const INITIAL_DICTIONARY = new TextEncoder().encode(
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor ' +
    'MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par ' +
    '\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx',
);

/** The RTF bytes, or null when the data is not compressed RTF or would unpack past `maxBytes`. */
export function decompressRtf(data: Uint8Array, maxBytes: number): Uint8Array | null {
  if (data.length < HEADER_SIZE) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const compressedSize = view.getUint32(0, true);
  const rawSize = view.getUint32(4, true);
  const type = view.getUint32(8, true);
  if (rawSize > maxBytes) return null;
  const end = Math.min(data.length, compressedSize + 4);
  if (type === UNCOMPRESSED) return data.subarray(HEADER_SIZE, Math.min(end, HEADER_SIZE + rawSize));
  if (type !== COMPRESSED) return null;

  const dictionary = new Uint8Array(DICTIONARY_SIZE);
  dictionary.set(INITIAL_DICTIONARY);
  let write = INITIAL_DICTIONARY.length;
  const out = new Uint8Array(rawSize);
  let produced = 0;
  let at = HEADER_SIZE;

  const put = (byte: number): boolean => {
    if (produced >= rawSize) return false;
    out[produced++] = byte;
    dictionary[write] = byte;
    write = (write + 1) % DICTIONARY_SIZE;
    return true;
  };

  decode: while (at < end) {
    const control = data[at++] as number;
    for (let bit = 0; bit < 8; bit++) {
      if (at >= end) break decode;
      if ((control & (1 << bit)) === 0) {
        if (!put(data[at++] as number)) break decode;
        continue;
      }
      if (at + 1 >= end) break decode;
      const reference = ((data[at] as number) << 8) | (data[at + 1] as number);
      at += 2;
      const offset = reference >> 4;
      const length = (reference & 0x0f) + 2;
      // A reference to the current write position marks the end of the stream.
      if (offset === write) break decode;
      for (let index = 0; index < length; index++) {
        if (!put(dictionary[(offset + index) % DICTIONARY_SIZE] as number)) break decode;
      }
    }
  }
  return out.subarray(0, produced);
}
