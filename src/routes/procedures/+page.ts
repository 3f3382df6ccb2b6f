// The trial to re-run may come from the query string (?study=…&trial=…), so this page is served by the
// SPA fallback, not prerendered.
export const prerender = false;
