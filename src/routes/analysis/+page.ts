// The study id comes from the query string, so this page is served by the SPA fallback.
export const prerender = false;
