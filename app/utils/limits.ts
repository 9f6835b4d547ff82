// Limits that both the server and the page text need. Constants a page renders must not come from
// a *.server module: the client bundle drops those imports, and the page would hydrate with NaN.
export const MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
export const MAX_WORKBOOK_MB = MAX_WORKBOOK_BYTES / 1024 / 1024
export const EXPERT_PAGE_SIZE = 50
export const SPECIALTY_LABEL_MAX = 20

/** How many experts the panel page's search for 指定专家 / 设定回避 lists at most. */
export const APPOINT_SEARCH_LIMIT = 20
