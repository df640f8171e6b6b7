// WordPress post HTML (classic editor, Gutenberg, shortcodes) → Dateline body blocks. Inline markup is kept for
// the articles service to sanitize as it sanitizes every write; anything without a block of its own becomes text.
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Block } from '../articles/schemas.js';

type Node = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<Node, { name: string; attribs: Record<string, string> }>;

const INLINE = new Set(['a', 'abbr', 'b', 'br', 'cite', 'code', 'del', 'em', 'i', 'ins', 'kbd', 'mark', 'q', 's', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u']);
const CONTAINERS = new Set(['div', 'section', 'article', 'main', 'center', 'aside', 'header', 'footer']);
const DROPPED = new Set(['script', 'style', 'hr', 'noscript', 'form', 'input', 'button', 'link', 'meta']);
/** Shortcodes of plugins and galleries that have no meaning outside WordPress: dropped with their brackets. */
const PLUGIN_SHORTCODES = /\[\/?(gallery|audio|video|playlist|contact-form-7|contact-form|gravityform|vc_[a-z_]+|et_pb_[a-z_]+)\b[^\]]*\]/g;

const text = (node: Node | Node[]) => DomUtils.textContent(node).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
const isElement = (node: Node): node is Element => DomUtils.isTag(node);

/** An absolute http(s) URL, relative ones resolved against the site; null for anything else (data:, javascript:). */
function absolute(url: string | undefined, base: string | undefined): string | null {
  if (!url) return null;
  try {
    const resolved = new URL(url.trim(), base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.toString() : null;
  } catch {
    return null;
  }
}

const dimension = (v: string | undefined) => (v && /^[0-9]{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 20000 ? Number(v) : null);

function provider(url: string): string {
  const host = new URL(url).hostname.replace(/^www\./, '');
  if (host === 'youtu.be') return 'youtube';
  if (host === 'x.com') return 'twitter';
  return host.split('.').slice(-2)[0] || host;
}

/** WordPress shortcodes before parsing: [caption] becomes a figure, [embed] an embed, plugin codes vanish. */
function expandShortcodes(html: string): string {
  return html
    .replace(/\[caption([^\]]*)\]([\s\S]*?)\[\/caption\]/g, (_all, attrs: string, inner: string) => {
      const image = /(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*<\/a>)?/i.exec(inner);
      const caption = (image ? inner.replace(image[0], '') : inner).trim() || /caption="([^"]*)"/.exec(attrs)?.[1] || '';
      return `<figure>${image ? image[0] : ''}<figcaption>${caption}</figcaption></figure>`;
    })
    .replace(/\[embed\]([\s\S]*?)\[\/embed\]/g, (_all, url: string) => `<wp-embed data-url="${url.trim()}"></wp-embed>`)
    .replace(PLUGIN_SHORTCODES, '');
}

/**
 * Blocks from a post's content. Loose text between block elements is split into paragraphs at blank lines
 * (what WordPress's wpautop does on display), single newlines becoming <br>.
 */
export function htmlToBlocks(html: string, baseUrl?: string): Block[] {
  const blocks: Block[] = [];
  const document = parseDocument(expandShortcodes(html.replace(/<!--[\s\S]*?-->/g, '')), { decodeEntities: true });
  let loose = '';

  const paragraph = (inner: string) => {
    const cleaned = inner.replace(/&nbsp;|\u00a0/g, ' ').replace(/^(\s*<br\s*\/?>)+|(<br\s*\/?>\s*)+$/gi, '').trim();
    if (text(parseDocument(cleaned).children)) blocks.push({ type: 'paragraph', text: cleaned });
  };
  const flush = () => {
    for (const chunk of loose.split(/\n\s*\n/)) paragraph(chunk.trim().replace(/\s*\n\s*/g, '<br>'));
    loose = '';
  };
  const image = (img: Element, caption: string | null) => {
    const url = absolute(img.attribs.src, baseUrl);
    if (!url) return;
    // WordPress has no credit field: newsrooms end the caption with "Photo: Name".
    const credit = caption ? /\s*\b((?:Photo|Photograph|Image|Picture|Credit)s?:\s*[^.]{1,150})\.?$/i.exec(caption) : null;
    const text = credit ? caption!.slice(0, credit.index).trim() : caption;
    blocks.push({
      type: 'image',
      url,
      alt: (img.attribs.alt ?? '').trim().slice(0, 500),
      caption: text ? text.slice(0, 2000) : null,
      credit: credit ? credit[1].slice(0, 200) : null,
      width: dimension(img.attribs.width),
      height: dimension(img.attribs.height),
    });
  };
  const embed = (raw: string | undefined, title: string | null) => {
    const url = absolute(raw, baseUrl);
    if (url) blocks.push({ type: 'embed', provider: provider(url), url, title });
  };

  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      if (!isElement(node)) {
        if (DomUtils.isText(node)) loose += escapeText(node.data);
        continue;
      }
      const name = node.name.toLowerCase();
      if (INLINE.has(name)) {
        // An image alone in a link is a block of its own, not inline text.
        const img = DomUtils.findOne((e) => e.name === 'img', [node]);
        if (name === 'a' && img && !text(node)) {
          flush();
          image(img, null);
        } else {
          loose += DomUtils.getOuterHTML(node, { decodeEntities: true, encodeEntities: 'utf8' });
        }
        continue;
      }
      flush();
      if (DROPPED.has(name)) continue;
      if (CONTAINERS.has(name)) {
        visit(node.children);
        flush();
        continue;
      }
      switch (name) {
        case 'p': {
          // Images inside a paragraph come out as image blocks; the rest stays the paragraph.
          visit(node.children);
          flush();
          break;
        }
        case 'h1':
        case 'h2':
        case 'h3':
        case 'h4':
        case 'h5':
        case 'h6': {
          const t = text(node);
          if (t) blocks.push({ type: 'heading', level: Math.min(4, Math.max(2, Number(name[1]))), text: t.slice(0, 500) });
          break;
        }
        case 'blockquote': {
          const cite = DomUtils.findOne((e) => e.name === 'cite' || e.name === 'footer', node.children);
          if (cite) DomUtils.removeElement(cite);
          const lines = node.children.map((c) => text(c)).filter(Boolean);
          if (lines.length) blocks.push({ type: 'quote', text: lines.join('\n').slice(0, 5000), attribution: cite ? text(cite).replace(/^[—–-]\s*/, '') || null : null });
          break;
        }
        case 'ul':
        case 'ol': {
          const items = node.children
            .filter((c): c is Element => isElement(c) && c.name === 'li')
            .map((li) => DomUtils.getInnerHTML(li, { decodeEntities: true, encodeEntities: 'utf8' }).trim())
            .filter((item) => text(parseDocument(item).children));
          if (items.length) blocks.push({ type: 'list', style: name === 'ol' ? 'numbered' : 'bulleted', items: items.slice(0, 200) });
          break;
        }
        case 'figure': {
          const img = DomUtils.findOne((e) => e.name === 'img', node.children);
          const figcaption = DomUtils.findOne((e) => e.name === 'figcaption', node.children);
          const iframe = DomUtils.findOne((e) => e.name === 'iframe', node.children);
          if (img) image(img, figcaption ? text(figcaption) || null : null);
          else if (iframe) embed(iframe.attribs.src, iframe.attribs.title ?? null);
          // Gutenberg's embed block: the URL alone as the wrapper's text.
          else if (/wp-block-embed/.test(node.attribs.class ?? '')) embed(text(figcaption ? node.children.filter((c) => c !== figcaption) : node), figcaption ? text(figcaption) : null);
          else visit(node.children);
          break;
        }
        case 'img':
          image(node, null);
          break;
        case 'iframe':
          embed(node.attribs.src, node.attribs.title ?? null);
          break;
        case 'wp-embed':
          embed(node.attribs['data-url'], null);
          break;
        case 'pre':
          paragraph(escapeText(DomUtils.textContent(node)).trim().replace(/\n/g, '<br>'));
          break;
        default: {
          // Tables and the like: their text, one paragraph per row of blocks, rather than nothing.
          const t = text(node);
          if (t) blocks.push({ type: 'paragraph', text: escapeText(t) });
        }
      }
    }
  };
  visit(document.children);
  flush();
  return blocks.slice(0, 500);
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Plain text of an HTML fragment (the excerpt → lead). */
export function htmlToText(html: string): string {
  return text(parseDocument(html.replace(/<!--[\s\S]*?-->/g, ''), { decodeEntities: true }).children);
}
