/** .odt → text: content.xml read with the zip caps, its text elements turned into lines. */
import { UnreadableDocument, type DocumentLimits } from './limits.ts';
import { readZipDirectory, unpackEntry } from './zip.ts';

const LABEL = '.odt';

export function odtToText(bytes: Uint8Array, limits: DocumentLimits): string {
  const entries = readZipDirectory(bytes, limits, LABEL);
  const manifest = entries.find((entry) => entry.name === 'META-INF/manifest.xml');
  // ODF encrypts entries one by one and says so in the manifest; content.xml would unpack to noise.
  if (manifest && new TextDecoder().decode(unpackEntry(bytes, manifest, LABEL)).includes('encryption-data')) {
    throw new UnreadableDocument('the .odt file is password-protected');
  }
  const content = entries.find((entry) => entry.name === 'content.xml');
  if (!content) throw new UnreadableDocument('the .odt file is damaged');
  return odfXmlToText(new TextDecoder().decode(unpackEntry(bytes, content, LABEL)));
}

/** Elements whose content is not part of the running text: tracked deletions, comments, image captions for screen readers. */
const SKIPPED = new Set(['text:tracked-changes', 'office:annotation', 'text:note-citation', 'svg:title', 'svg:desc']);
const PARAGRAPHS = new Set(['text:p', 'text:h']);
const MAX_SPACES = 100;

/**
 * One pass over the XML: a tag (attribute values may hold '>'), or a run of text, or a comment/CDATA/
 * declaration. Linear, no recursion, so hostile nesting costs nothing extra.
 */
const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<[?!][^>]*>|<(\/?)([\w.:-]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;

export function odfXmlToText(xml: string): string {
  const out: string[] = [];
  let paragraphDepth = 0;
  let skipDepth = 0;
  for (const match of xml.matchAll(TOKEN)) {
    const [, cdata, closing, name, attributes, selfClosing, text] = match;
    if (name !== undefined) {
      const opens = closing !== '/';
      const closes = closing === '/' || selfClosing === '/';
      if (SKIPPED.has(name) || skipDepth > 0) {
        if (opens && !closes) skipDepth++;
        else if (!opens && closes) skipDepth = Math.max(0, skipDepth - 1);
        continue;
      }
      if (PARAGRAPHS.has(name)) {
        if (opens && !closes) paragraphDepth++;
        if (closes) {
          if (!opens) paragraphDepth = Math.max(0, paragraphDepth - 1);
          out.push('\n\n');
        }
      } else if (opens && paragraphDepth > 0) {
        if (name === 'text:line-break') out.push('\n');
        else if (name === 'text:tab') out.push('\t');
        else if (name === 'text:s') out.push(' '.repeat(spaceCount(attributes ?? '')));
      }
      continue;
    }
    if (skipDepth > 0 || paragraphDepth === 0) continue;
    if (cdata !== undefined) out.push(cdata);
    // ODF collapses white space inside paragraphs; deliberate spaces are written as text:s.
    else if (text !== undefined) out.push(decodeEntities(text).replace(/[ \t\r\n]+/g, ' '));
  }
  return out.join('');
}

function spaceCount(attributes: string): number {
  const count = /text:c\s*=\s*["'](\d+)["']/.exec(attributes)?.[1];
  return count === undefined ? 1 : Math.min(MAX_SPACES, Math.max(1, Number(count)));
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (entity, body: string) => {
    if (!body.startsWith('#')) return NAMED_ENTITIES[body] ?? entity;
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}
