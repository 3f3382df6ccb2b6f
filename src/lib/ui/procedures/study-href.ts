import { resolve } from '$app/paths';

/** The study page of one study (a resolved path plus the id as a query). */
export const studyHref = (id: string): string => `${resolve('/study')}?id=${encodeURIComponent(id)}`;
