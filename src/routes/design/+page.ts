// The starting study may come from the query string (?from=<study id>), so this page is served by the
// SPA fallback rather than prerendered.
export const prerender = false;
