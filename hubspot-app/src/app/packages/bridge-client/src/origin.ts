/**
 * The bridge server's public origin: the one place the extensions and the project files take it from.
 * `npm run hubspot-app:configure -- --base-url https://…` stamps the real origin here and into every URL of
 * the `-hsmeta.json` files (redirect URLs, `permittedUrls.fetch`, the webhook target) before an upload.
 */
export const BRIDGE_ORIGIN = 'https://bridge.example.com';
