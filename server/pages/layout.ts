/** The frame of the few HTML pages the browser OAuth steps show. Every interpolated value is escaped. */

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

/** A fragment of trusted markup, built only by these page functions. */
export interface Html {
  readonly html: string;
}

export function html(
  strings: TemplateStringsArray,
  ...values: Array<string | number | Html | Html[] | null>
): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const rendered =
      value === null
        ? ''
        : Array.isArray(value)
          ? value.map((part) => part.html).join('')
          : typeof value === 'object'
            ? value.html
            : escapeHtml(String(value));
    out += rendered + (strings[index + 1] ?? '');
  });
  return { html: out };
}

const styles = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #213343; max-width: 44rem;
         margin: 3rem auto; padding: 0 1.25rem; line-height: 1.5; }
  h1 { font-size: 1.6rem; margin-bottom: .5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
  .ok { color: #00794a; } .warn { color: #b35c00; } .bad { color: #c2252d; }
  .box { border: 1px solid #cbd6e2; border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
  .box.warn { border-color: #f5c26b; background: #fef8f0; } .box.bad { border-color: #f2545b; background: #fdedee; }
  a.button, button.button { display: inline-block; background: #ff7a59; color: #fff; padding: .6rem 1rem;
             border: 0; border-radius: 4px; text-decoration: none; margin: .25rem .5rem .25rem 0;
             font: inherit; font-weight: 600; cursor: pointer; }
  a.button.secondary { background: #fff; color: #213343; border: 1px solid #cbd6e2; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; }
  small { color: #516f90; }
`;

/**
 * `styles`: a page's own rules, after (and so over) the frame's. `referrer`: `same-origin` for pages whose
 * forms the server checks by their Origin (browsers send `Origin: null` under `no-referrer`).
 */
export function page(
  title: string,
  body: Html,
  options: { styles?: string; referrer?: 'no-referrer' | 'same-origin' } = {},
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${options.referrer ?? 'no-referrer'}">
<title>${escapeHtml(title)} · Salesforce Bridge</title>
<style>${styles}${options.styles ?? ''}</style>
</head>
<body>
${body.html}
</body>
</html>
`;
}
