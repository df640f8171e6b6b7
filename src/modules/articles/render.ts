// Renders body blocks to HTML for simple front ends; every piece of text is escaped or sanitized.
import sanitizeHtml from 'sanitize-html';
import type { Block } from './schemas.js';

const INLINE: sanitizeHtml.IOptions = {
  allowedTags: ['a', 'b', 'strong', 'i', 'em', 'br', 'sub', 'sup'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  disallowedTagsMode: 'discard',
};

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const inline = (s: string) => sanitizeHtml(s, INLINE);

/** Keeps caption line breaks visible in HTML. */
const multiline = (s: string) => escape(s).replace(/\r?\n/g, '<br>');

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${inline(block.text)}</p>`;
    case 'heading':
      return `<h${block.level}>${escape(block.text)}</h${block.level}>`;
    case 'quote': {
      const cite = block.attribution ? `<footer>${escape(block.attribution)}</footer>` : '';
      return `<blockquote><p>${multiline(block.text)}</p>${cite}</blockquote>`;
    }
    case 'image': {
      const size = (block.width ? ` width="${block.width}"` : '') + (block.height ? ` height="${block.height}"` : '');
      const caption = [block.caption ? multiline(block.caption) : '', block.credit ? `<small>${escape(block.credit)}</small>` : '']
        .filter(Boolean)
        .join(' ');
      return `<figure><img src="${escape(block.url)}" alt="${escape(block.alt)}"${size}>${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    }
    case 'list': {
      const tag = block.style === 'numbered' ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${tag}>`;
    }
    case 'embed':
      return `<figure data-embed="${escape(block.provider)}"><a href="${escape(block.url)}">${escape(block.title ?? block.url)}</a></figure>`;
  }
}

const BODY: sanitizeHtml.IOptions = {
  allowedTags: [...(INLINE.allowedTags as string[]), 'p', 'h2', 'h3', 'h4', 'blockquote', 'footer', 'figure', 'figcaption', 'img', 'small', 'ul', 'ol', 'li'],
  allowedAttributes: { ...INLINE.allowedAttributes, img: ['src', 'alt', 'width', 'height'], figure: ['data-embed'] },
  allowedSchemes: ['http', 'https', 'mailto'],
};

/** HTML for the whole body; sanitized once more as a whole so no block can smuggle markup through. */
export function renderBody(blocks: Block[]): string {
  return sanitizeHtml(blocks.map(renderBlock).join('\n'), BODY);
}

/** Inline HTML in paragraph and list text, cleaned as it will be rendered, so the stored blocks match the HTML. */
export function cleanBlocks(blocks: Block[]): Block[] {
  return blocks.map((b) => {
    if (b.type === 'paragraph') return { ...b, text: inline(b.text) };
    if (b.type === 'list') return { ...b, items: b.items.map(inline) };
    return b;
  });
}
