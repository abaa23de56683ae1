/**
 * All the text a rendered extension node shows, its descendants' included (the testing kit's `text` holds
 * only a node's own text children), with a space between separate pieces.
 */
interface RenderedLike {
  nodeType: string;
  text?: string | null;
  childNodes?: readonly RenderedLike[];
}

export function textOf(node: RenderedLike | null | undefined): string {
  if (!node) return '';
  if (node.nodeType === 'text') return node.text ?? '';
  return (node.childNodes ?? [])
    .map((child) => textOf(child))
    .filter((piece) => piece.trim() !== '')
    .join(' ');
}
